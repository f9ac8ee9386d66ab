// Mean-affinity agglomeration over the merge step's global region graph: one task per volume (like MERGE_SEGMENTS:
// the graph is a few tens of bytes per edge, no voxels). Writes agglomeration/: agglomeration_tree.h5 (the merges,
// Omni's dendrogram), segments.h5 (per threshold a segment -> agglomerated segment table, which basin relabel
// --segment-table applies block by block) and per threshold a webKnossos mapping and Neuroglancer equivalences.
process AGGLOMERATE {
    tag "$meta.id"
    label 'process_low'

    input:
    tuple val(meta), path(region_graph)

    output:
    tuple val(meta), path("agglomeration")                        , emit: agglomeration
    tuple val(meta), path("agglomeration/agglomeration_tree.h5")  , emit: tree
    path "versions.yml"                                           , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin agglomerate --region-graph ${region_graph} --output agglomeration --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir -p agglomeration
    touch agglomeration/agglomeration_tree.h5 agglomeration/segments.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
