// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// A picture of the middle slice: raw | affinities | segmentation, each read from its volume or store.
process SNAPSHOT {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), val(raw)

    output:
    tuple val(meta), path("snapshot.png"), emit: png
    path "versions.yml"                  , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--raw-dataset ${q(meta.dataset)}" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin snapshot --raw ${q(raw)} $dataset --affinities ${q(meta.affinities)} --segmentation ${q(meta.segmentation)} --output snapshot.png --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    touch snapshot.png
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
