process WATERSHED {
    tag "$meta.id $meta.chunk"
    label 'process_medium'

    input:
    tuple val(meta), path(chunk)

    output:
    tuple val(meta), path("${meta.chunk}.watershed.h5"), emit: segments
    path "versions.yml"                                , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin watershed --input $chunk --output ${meta.chunk}.watershed.h5 --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    touch ${meta.chunk}.watershed.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
