process MERGE {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(chunks, stageAs: 'chunks/*')

    output:
    tuple val(meta), path("${prefix}.zarr"), emit: volume
    path "versions.yml"                    , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    prefix   = task.ext.prefix ?: 'affinities'
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin merge chunks --output ${prefix}.zarr --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    prefix = task.ext.prefix ?: 'affinities'
    """
    mkdir ${prefix}.zarr
    echo '{"zarr_format": 2}' > ${prefix}.zarr/.zgroup
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
