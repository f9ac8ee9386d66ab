process INFER {
    tag "$meta.id $meta.chunk"
    label 'process_medium'
    label 'process_gpu'

    input:
    tuple val(meta), path(chunk)
    path(model)

    output:
    tuple val(meta), path("${meta.chunk}.affinities.h5"), emit: affinities
    path "versions.yml"                                 , emit: versions

    script:
    // --overwrite: the work dir is this task's own; a rerun in it (after Nextflow was killed) replaces what was left
    def args = task.ext.args ?: ''
    def onnx = model.name != 'NO_MODEL' ? "--model $model" : ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin infer --input $chunk --output ${meta.chunk}.affinities.h5 --overwrite $onnx $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    touch ${meta.chunk}.affinities.h5
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
