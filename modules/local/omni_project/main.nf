process OMNI_PROJECT {
    tag "$meta.id ${region.baseName}"
    label 'process_low'

    input:
    tuple val(meta), path(region)

    output:
    tuple val(meta), path("omni/${region.baseName}"), emit: project
    path "versions.yml"                             , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin omni-project --region $region --out-dir omni --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir -p omni/${region.baseName}
    touch omni/${region.baseName}/channel.h5 omni/${region.baseName}/segmentation.h5 omni/${region.baseName}/omnify.cmd
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
