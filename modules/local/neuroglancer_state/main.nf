// Values that reach the shell are single-quoted: a path is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// The run's Neuroglancer state (neuroglancer.json, published to the outdir): the stores the outdir holds once they
// are written, sources relative to wherever the outdir is served (`basin view OUTDIR` fills the base in).
process NEUROGLANCER_STATE {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), val(outdir)

    output:
    tuple val(meta), path("neuroglancer.json"), emit: state
    path "versions.yml"                       , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin view ${q(outdir)} --state-only --output neuroglancer.json $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    echo '{}' > neuroglancer.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
