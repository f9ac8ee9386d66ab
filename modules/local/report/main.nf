// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// The QC report: slices of the stores (raw | affinities | segmentation, from the coarsest pyramid level still
// ~1024 px wide), segment sizes summed from RELABEL's per-block tables, the scores and the run's parameters.
// The per-stage table needs the finished trace: the head node adds it when the run ends (main.nf, onComplete).
process REPORT {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), val(raw), path(sizes, stageAs: 'sizes/*'), path(scores)
    val(run_params) // the run's parameters as JSON text

    output:
    tuple val(meta), path("report"), emit: report
    path "versions.yml"            , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--raw-dataset ${q(meta.dataset)}" : ''
    // assets/NO_SCORES when the run has no ground truth
    def score   = scores.name == 'NO_SCORES' ? '' : "--scores ${scores}"
    """
    printf '%s\\n' ${q(run_params)} > params.json
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin report --out-dir report --segmentation ${q(meta.segmentation)} --affinities ${q(meta.affinities)} --raw ${q(raw)} $dataset \\
        --segment-sizes sizes $score --params params.json --sample ${q(meta.id)} --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir report
    echo '<!DOCTYPE html><html><body>stub</body></html>' > report/report.html
    echo '{}' > report/report.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
