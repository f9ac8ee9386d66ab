// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// The chunk grid and every later stage's task list, from the input's header: boxes only, no voxels. The input is a
// location (a path or s3://), not staged; meta.input_stamp (sizes and dates, or the S3 listing) keys the task, and
// the tasks after it are keyed on what they read (digests).
process PLAN {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), val(volume)

    output:
    tuple val(meta), path("plan/infer.tsv")      , emit: infer
    tuple val(meta), path("plan/fingerprint.tsv"), emit: fingerprint
    tuple val(meta), path("plan/watershed.tsv")  , emit: watershed
    tuple val(meta), path("plan/merge.tsv")      , emit: merge
    tuple val(meta), path("plan/omni.tsv")       , emit: omni
    tuple val(meta), path("plan/plan.json")      , emit: json
    path "versions.yml"                          , emit: versions

    script:
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--dataset ${q(meta.dataset)}" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin plan --input ${q(volume)} $dataset --out-dir plan $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    mkdir plan
    printf 'name\\tblock\\tchunks\\nchunk_0_0_0\\t0,0,0\\tchunk_0_0_0\\n' > plan/infer.tsv
    printf 'name\\tblock\\nchunk_0_0_0\\t0,0,0\\n' > plan/fingerprint.tsv
    printf 'name\\tblock\\tinfer_chunks\\tmerge_position\\tmerge_parent\\tmerge_siblings\\nchunk_0_0_0\\t0,0,0\\tchunk_0_0_0\\t0,0,0\\t-\\t0\\n' > plan/watershed.tsv
    printf 'name\\tlevel\\tposition\\tparent\\tsiblings\\tchildren\\n' > plan/merge.tsv
    printf 'name\\tposition\\tws_blocks\\tinfer_chunks\\nregion_0_0_0\\t0,0,0\\tchunk_0_0_0\\tchunk_0_0_0\\n' > plan/omni.tsv
    echo '{"volume_shape_xyz": "64,64,32", "infer_chunk_xyz": "64,64,32", "ws_chunk_xyz": "64,64,32", "merge_first_fan_in_xyz": "1,1,1", "merge_fan_in_xyz": "2,2,2", "merge_top_level": 1}' > plan/plan.json
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
