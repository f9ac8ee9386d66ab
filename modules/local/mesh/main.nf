// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// Meshes of one or more watershed blocks of the segmentation store, written as Neuroglancer fragments into
// meta.meshes. Keyed on the digests of the segmentation blocks it reads (its own and the upper neighbours': a block
// reads one voxel past its core), so it reruns exactly when they change.
process MESH {
    tag "$meta.id $meta.mesh_name"
    label 'process_low'

    input:
    val(meta)

    output:
    tuple val(meta), path("${meta.mesh_name}.fragments.tsv"), emit: fragments
    path "versions.yml"                                     , emit: versions

    script:
    def args = task.ext.args ?: ''
    // the full JIT: a block's meshing runs for seconds to minutes in a few hot loops, where C2 pays for its compiling
    """
    BASIN_JIT=full BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin mesh --segmentation ${q(meta.store)} --meshes ${q(meta.meshes)} --grid-block ${meta.blocks.join(' ')} --fragments-output ${meta.mesh_name}.fragments.tsv $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    printf 'segment\\tfragment\\tvertices\\ttriangles\\n' > ${meta.mesh_name}.fragments.tsv
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
