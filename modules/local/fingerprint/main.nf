// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// Digests of the input voxels each inference chunk reads. Keyed on the input's stamp (meta.input_stamp: sizes and
// dates), so it reads again only after the input changed; INFER is keyed on these digests, so then only the
// chunks whose input changed run again.
process FINGERPRINT {
    tag "$meta.id $meta.block_name"
    label 'process_single'

    input:
    tuple val(meta), val(volume)

    output:
    tuple val(meta), path("${meta.block_name}.fingerprint.tsv"), emit: digests
    path "versions.yml"                                         , emit: versions

    script:
    def args    = task.ext.args ?: ''
    def dataset = meta.dataset ? "--dataset ${q(meta.dataset)}" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin fingerprint --input ${q(volume)} $dataset --grid-block ${meta.block} --output ${meta.block_name}.fingerprint.tsv $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'name\\tdigest\\n${meta.block_name}\\tstub\\n' > ${meta.block_name}.fingerprint.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
