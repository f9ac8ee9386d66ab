// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// A block of inference chunks, one at a time: each padded box read straight from the raw volume, its core written into the affinity store
// (meta.store) in place. The cache key is the digest of its chunks' input digests (meta.input_digest), not the raw file's date.
process INFER {
    tag "$meta.id $meta.chunk"
    label 'process_medium'
    label 'process_gpu'

    input:
    tuple val(meta), val(volume)
    path(model)

    output:
    tuple val(meta), path("${meta.chunk}.digest.tsv"), emit: digests
    path "versions.yml"                              , emit: versions

    script:
    def args    = task.ext.args ?: ''
    def onnx    = model.name != 'NO_MODEL' ? "--model $model" : ''
    def dataset = meta.dataset ? "--dataset ${q(meta.dataset)}" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin infer --input ${q(volume)} $dataset --grid-block ${meta.block} --store ${q(meta.store)} --digest-output ${meta.chunk}.digest.tsv $onnx $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n${meta.chunk}\\tstub\\n' > ${meta.chunk}.digest.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
