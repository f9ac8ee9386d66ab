// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// The merge step over every block's face data and region graphs (no voxels): per block a file of id tables in
// meta.id_tables, the segment tree, and the region graph between final segments with each pair's affinity sum and
// count (for AGGLOMERATE). `blocks` lists the blocks' folders and digests, so the task reruns exactly
// when a watershed block changed.
process STITCH {
    tag "$meta.id"
    label 'process_medium'

    input:
    tuple val(meta), val(blocks)

    output:
    tuple val(meta), path("ids.digest.tsv") , emit: digests
    tuple val(meta), path("segment_tree.h5"), emit: tree
    tuple val(meta), path("region_graph.h5"), emit: region_graph
    path "versions.yml"                    , emit: versions

    script:
    // --overwrite: a rerun replaces the id tables and tree this step wrote before
    def args = task.ext.args ?: ''
    """
    cat > blocks.tsv <<'BASIN_BLOCKS'
name	path	digest
${blocks}
BASIN_BLOCKS
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin stitch --list blocks.tsv --id-tables ${q(meta.id_tables)} --tree segment_tree.h5 --region-graph region_graph.h5 --digest-output ids.digest.tsv --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n%s\\tstub\\n' ${blocks.readLines().collect { it.tokenize('\t')[0] }.join(' ')} > ids.digest.tsv
    touch segment_tree.h5 region_graph.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
