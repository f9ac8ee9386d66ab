// Values that reach the shell are single-quoted: a dataset name is the user's text, not a command.
def q(v) { "'" + v.toString().replace("'", "'\\''") + "'" }

// One per volume: every segment's manifest (<id>:0, its fragment files) and the mesh info, from the MESH tasks'
// fragment tables. Reads lists, never voxels or triangles.
process MESH_MANIFEST {
    tag "$meta.id"
    label 'process_single'

    input:
    tuple val(meta), path(lists, stageAs: 'lists/*')

    output:
    val(meta)          , emit: meshes
    path "versions.yml", emit: versions

    script:
    def args = task.ext.args ?: ''
    """
    BASIN_MEMORY=${task.memory ? task.memory.toMega() + 'm' : ''} \\
    basin mesh --manifests --fragment-lists lists --meshes ${q(meta.meshes)} $args

    echo "${task.process}: { basin: \$(basin --version | cut -d' ' -f2) }" > versions.yml
    """

    stub:
    """
    echo "${task.process}: { basin: stub }" > versions.yml
    """
}
