// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// One task of the merge tree above level 1 (level 1 is the watershed tasks'): it reads its children's task files
// (`children`: lines of level, name, path, digest, so it reruns exactly when one changed), settles what no longer depends on
// anything outside its block, and writes its own task file to meta.output (the intermediate folder).
process MERGE_LEVEL {
    tag "$meta.id $meta.name"
    label 'process_medium'

    input:
    tuple val(meta), val(children)

    output:
    tuple val(meta), path("${meta.name}.digest.tsv"), emit: digests
    path "versions.yml"                             , emit: versions

    script:
    // --overwrite: a rerun replaces the task file this task wrote before
    def args  = task.ext.args ?: ''
    def files = children.readLines().collect { q(it.tokenize('\t')[2]) }.join(' ')
    """
    mkdir -p ${q(new File(meta.output.toString()).parent)}
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin merge-level --level ${meta.level} --position ${meta.position} --first-fan-in ${meta.first_fan_in} --output ${q(meta.output)} \\
        --digest-output ${meta.name}.digest.tsv --overwrite $args $files

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n%s.h5\\tstub\\n' ${meta.name} > ${meta.name}.digest.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
