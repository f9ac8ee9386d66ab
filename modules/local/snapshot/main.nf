process SNAPSHOT {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), path(raw), path(affinities), path(segmentation)

    output:
    tuple val(meta), path("snapshot.png"), emit: png
    path "versions.yml"                  , emit: versions

    script:
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--raw-dataset '${meta.dataset}'" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin snapshot --raw $raw $dataset --affinities $affinities --segmentation $segmentation --output snapshot.png $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    touch snapshot.png
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
