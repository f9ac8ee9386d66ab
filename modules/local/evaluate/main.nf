process EVALUATE {
    tag "$meta.id"
    label 'process_low'

    input:
    tuple val(meta), path(segmentation), path(truth)

    output:
    tuple val(meta), path("scores.json"), emit: scores
    path "versions.yml"                 , emit: versions

    script:
    def args    = task.ext.args ?: ''
    def dataset = meta.truth_dataset ? "--truth-dataset '${meta.truth_dataset}'" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin evaluate --segmentation $segmentation --truth $truth $dataset --output scores.json $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    echo '{"adapted_rand_error": 0}' > scores.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
