process OMNIFY_CHOP {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), path(segmentation), path(raw), path(tree)

    output:
    tuple val(meta), path("regions/region_*.h5"), emit: regions
    tuple val(meta), path("regions/manifest.json"), emit: manifest
    path "versions.yml"                         , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--raw-dataset '${meta.dataset}'" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin omnify-chop --segmentation $segmentation --raw $raw $dataset --tree $tree --out-dir regions --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir regions
    touch regions/region_0_0_0.h5 regions/region_1_0_0.h5
    echo '{"projects": []}' > regions/manifest.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
