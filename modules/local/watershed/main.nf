process WATERSHED {
    tag "$meta.id $meta.chunk"
    label 'process_medium'

    input:
    tuple val(meta), path(chunks, stageAs: 'in/*')

    output:
    tuple val(meta), path("*.watershed.h5"), emit: segments
    path "versions.yml"                    , emit: versions

    script:
    // one call for the batch (--ws_batch chunks): the JVM starts once; outputs are <chunk>.watershed.h5
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    def inputs = (chunks instanceof List ? chunks : [chunks]).join(' ')
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin watershed --input $inputs --out-dir . --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    def names = meta.chunks ?: [meta.chunk]
    """
    touch ${names.collect { it + '.watershed.h5' }.join(' ')}
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
