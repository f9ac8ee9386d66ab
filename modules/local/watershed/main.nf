// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// A block of watershed chunks read with their halo of 2 straight from the affinity store; per chunk a file of
// labels, region graph and face data in meta.out_dir (the intermediate folder), for the merge and relabel steps; with
// meta.merge_file, also the block's task of the merge tree (level 1), settled from the chunks in memory.
process WATERSHED {
    tag "$meta.id $meta.block_name"
    label 'process_medium'

    input:
    val(meta)

    output:
    tuple val(meta), path("${meta.block_name}.digest.tsv"), emit: digests
    path "versions.yml"                                   , emit: versions

    script:
    // --overwrite: a rerun replaces what this task wrote before (its own block's files only)
    def args  = task.ext.args ?: ''
    def merge = meta.merge_file ? "--merge-output ${q(meta.merge_file)} --merge-first-fan-in ${meta.merge_first_fan_in} --merge-fan-in ${meta.merge_fan_in}" +
        (meta.region_graph ? ' --keep-region-graph' : '') : ''
    """
    ${meta.merge_file ? "mkdir -p ${q(new File(meta.merge_file.toString()).parent)}" : ''}
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin watershed --affinities ${q(meta.store)} --grid-block ${meta.block} --out-dir ${q(meta.out_dir)} --overwrite --digest-output ${meta.block_name}.digest.tsv $merge $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n' > ${meta.block_name}.digest.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
