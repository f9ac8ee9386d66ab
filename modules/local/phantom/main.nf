process PHANTOM {
    tag "$meta.id"
    label 'process_single'

    input:
    val(meta)

    output:
    tuple val(meta), path("${meta.id}_raw.h5")  , emit: raw
    tuple val(meta), path("${meta.id}_truth.h5"), emit: truth
    path "versions.yml"                         , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin phantom --output ${meta.id}_raw.h5 --truth ${meta.id}_truth.h5 --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    touch ${meta.id}_raw.h5 ${meta.id}_truth.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
