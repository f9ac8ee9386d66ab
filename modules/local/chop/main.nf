process CHOP {
    tag "$meta.id"
    label 'process_low'

    input:
    tuple val(meta), path(volume)

    output:
    tuple val(meta), path("chunks/chunk_*.h5"), emit: chunks
    tuple val(meta), path("chunks/grid.json") , emit: grid
    path "versions.yml"                       , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--dataset '${meta.dataset}'" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin chop --input $volume $dataset --out-dir chunks --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir chunks
    touch chunks/chunk_0_0_0.h5 chunks/chunk_1_0_0.h5
    echo '{}' > chunks/grid.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
