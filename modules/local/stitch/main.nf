process STITCH {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(chunks, stageAs: 'chunks/*')

    output:
    tuple val(meta), path("segmentation.zarr"), emit: segmentation
    path "versions.yml"                       , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin stitch chunks --output segmentation.zarr $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir segmentation.zarr
    echo '{"zarr_format": 2}' > segmentation.zarr/.zgroup
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
