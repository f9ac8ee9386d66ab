// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// The scores from the sum of every block's contingency table (a few kB each).
process EVALUATE {
    tag "$meta.id"
    label 'process_low'

    input:
    tuple val(meta), path(partials, stageAs: 'partials/*'), path(agglomeration)

    output:
    tuple val(meta), path("scores.json"), emit: scores
    path "versions.yml"                 , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    // assets/NO_AGGLOMERATION when --agglomerate is off; else every threshold is scored too
    def agg  = agglomeration.name == 'NO_AGGLOMERATION' ? '' : "--agglomeration ${agglomeration}/segments.h5"
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin evaluate --partials partials/* $agg --output scores.json --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    echo '{"adapted_rand_error": 0}' > scores.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
