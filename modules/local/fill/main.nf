// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// Dense labels for a block of watershed chunks: the relabelled (unfilled) segmentation and the affinities read with a
// halo of --fill from their stores, the block's chunks written in place into the final segmentation store.
process FILL {
    tag "$meta.id $meta.block_name"
    label 'process_low'

    input:
    val(meta)

    output:
    tuple val(meta), path("${meta.block_name}.digest.tsv")  , emit: digests
    tuple val(meta), path("${meta.block_name}.segments.tsv"), emit: sizes    // per segment: voxels, bounding box (REPORT sums them)
    path "versions.yml"                                     , emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin fill --segmentation ${q(meta.unfilled)} --affinities ${q(meta.affinities)} --output ${q(meta.store)} --grid-block ${meta.block} \\
        --digest-output ${meta.block_name}.digest.tsv --segment-sizes ${meta.block_name}.segments.tsv $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n' > ${meta.block_name}.digest.tsv
    printf 'id\\tvoxels\\tx0\\ty0\\tz0\\tx1\\ty1\\tz1\\n' > ${meta.block_name}.segments.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
