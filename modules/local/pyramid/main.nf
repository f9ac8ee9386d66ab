// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// OME-Zarr multiscale levels of one store, written in place: one block of the first wave (meta.grid_block, the
// levels it can write alone), or the rest of the levels (meta.wave 'rest'), or all of them ('all', one block).
// With meta.input the store's level 0 is written from that volume first (the raw published as raw.zarr).
process PYRAMID {
    tag "$meta.id $meta.name"
    label 'process_medium'

    input:
    val(meta)

    output:
    tuple val(meta), path("${meta.name}.digest.tsv"), emit: digests
    path "versions.yml"                             , emit: versions

    script:
    def args   = task.ext.args ?: ''
    def input  = meta.input ? "--input ${q(meta.input)}" + (meta.dataset ? " --dataset ${q(meta.dataset)}" : '') : ''
    def block  = meta.grid_block ? "--grid-block ${meta.grid_block}" : ''
    def source = meta.source_image ? "--source-image ${q(meta.source_image)}" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin pyramid --store ${q(meta.store)} $input --block ${meta.block_size} --wave ${meta.wave} $block $source --digest-output ${meta.name}.digest.tsv $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n' > ${meta.name}.digest.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
