// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// A block of watershed chunks relabelled to final ids, written in place into the segmentation store.
process RELABEL {
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
    basin relabel --watershed ${q(meta.ws_dir)} --id-table ${q(meta.id_table)} --segmentation ${q(meta.store)} --digest-output ${meta.block_name}.digest.tsv \\
        --segment-sizes ${meta.block_name}.segments.tsv $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n' > ${meta.block_name}.digest.tsv
    printf 'id\\tvoxels\\tx0\\ty0\\tz0\\tx1\\ty1\\tz1\\n' > ${meta.block_name}.segments.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
