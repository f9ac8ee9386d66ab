// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// After the merge tree's top task: numbers the final segments task by task and writes, per watershed block, the
// table of its chunks' local ids -> final ids (meta.id_tables), the segment tree, and (with meta.region_graph) the
// region graph for AGGLOMERATE. Reads only the task files' records, listed in `tasks` (lines of level, name, path,
// digest: the task reruns exactly when a task file changed).
process MERGE_FINISH {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), val(tasks)

    output:
    tuple val(meta), path("ids.digest.tsv")  , emit: digests
    tuple val(meta), path("segment_tree.h5") , emit: tree
    tuple val(meta), path("region_graph.h5") , emit: region_graph, optional: true
    path "versions.yml"                      , emit: versions

    script:
    // --overwrite: a rerun replaces the id tables this step wrote before
    def args  = task.ext.args ?: ''
    def graph = meta.region_graph ? '--region-graph region_graph.h5' : ''
    """
    cat > tasks.tsv <<'BASIN_TASKS'
level	name	path	digest
${tasks}
BASIN_TASKS
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin merge-finish --list tasks.tsv --id-tables ${q(meta.id_tables)} --tree segment_tree.h5 $graph --digest-output ids.digest.tsv --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n%s\\tstub\\n' ${tasks.readLines().findAll { it.startsWith('1\t') }.collect { it.tokenize('\t')[1] }.join(' ')} > ids.digest.tsv
    touch segment_tree.h5 ${meta.region_graph ? 'region_graph.h5' : ''}
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
