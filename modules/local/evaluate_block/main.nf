// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// One block's contingency table of segmentation against ground truth: EVALUATE sums them.
process EVALUATE_BLOCK {
    tag "$meta.id $meta.block_name"
    label 'process_low'

    input:
    tuple val(meta), path(truth)

    output:
    tuple val(meta), path("${meta.block_name}.contingency.h5"), emit: partial
    path "versions.yml"                                       , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args    = task.ext.args ?: ''
    def dataset = meta.truth_dataset ? "--truth-dataset ${q(meta.truth_dataset)}" : ''
    def truthAt = meta.truth_s3 ? q(meta.truth_s3) : truth // s3:// truth is read in place (the staged file is a placeholder)
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin evaluate --segmentation ${q(meta.store)} --truth $truthAt $dataset --grid-block ${meta.block} --partial ${meta.block_name}.contingency.h5 --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    touch ${meta.block_name}.contingency.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
