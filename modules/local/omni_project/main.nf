// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// One Omni-ready project folder, written in place (atomically) into meta.omni_dir: volumes are never copied by
// publishDir. The task's own output is a one-line note of where the project is.
process OMNI_PROJECT {
    tag "$meta.id ${region.baseName}"
    label 'process_medium'

    input:
    tuple val(meta), path(region)

    output:
    tuple val(meta), path("${region.baseName}.project.txt"), emit: project
    path "versions.yml"                                    , emit: versions

    script:
    // --overwrite: a rerun replaces the project this task wrote before
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin omni-project --region $region --out-dir ${q(meta.omni_dir)} --overwrite $args
    echo ${q(meta.omni_dir + '/' + region.baseName)} > ${region.baseName}.project.txt

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    echo ${q(meta.omni_dir + '/' + region.baseName)} > ${region.baseName}.project.txt
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
