process MERGE {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(chunks, stageAs: 'chunks/*')

    output:
    tuple val(meta), path("${prefix}.zarr"), emit: volume
    path "versions.yml"                    , emit: versions

    script:
    def args = task.ext.args ?: ''
    prefix   = task.ext.prefix ?: 'affinities'
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin merge chunks --output ${prefix}.zarr $args

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
