process STITCH {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(chunks, stageAs: 'chunks/*')

    output:
    tuple val(meta), path("segmentation.zarr"), emit: segmentation
    tuple val(meta), path("segment_tree.h5")  , emit: tree
    path "versions.yml"                       , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin stitch chunks --output segmentation.zarr --tree segment_tree.h5 --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir segmentation.zarr
    echo '{"zarr_format": 2}' > segmentation.zarr/.zgroup
    touch segment_tree.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
