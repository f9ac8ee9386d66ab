// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// One proofreading region: its box read from the segmentation store and the raw volume, relabelled 1..N, with
// the segment tree's edges between its segments. Keyed on the digests of the blocks it reads (meta.input_digest),
// which the region file records as its digest (--input-digest): the raw's voxels are not read at all.
process OMNIFY_CHOP {
    tag "$meta.id $meta.region"
    label 'process_medium'

    input:
    tuple val(meta), val(raw), path(tree)

    output:
    tuple val(meta), path("regions/region_*.h5")  , emit: regions
    tuple val(meta), path("regions/manifest.json"), emit: manifest
    path "versions.yml"                           , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--raw-dataset ${q(meta.dataset)}" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin omnify-chop --segmentation ${q(meta.store)} --raw ${q(raw)} $dataset --tree $tree --region ${meta.position} --input-digest ${meta.input_digest} --out-dir regions --overwrite $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir regions
    touch regions/${meta.region}.h5
    echo '{"projects": [{"name": "${meta.region}"}]}' > regions/manifest.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
