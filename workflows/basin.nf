/*
 * The basin DAG over chunked stores written in place (DESIGN.md section 1):
 *   CHOP (plan: boxes only) -> FINGERPRINT -> INFER (-> affinities.zarr) -> WATERSHED (block + halo 2 from the store)
 *   -> the merge tree (WATERSHED settles level 1, MERGE_L2.. the levels above, MERGE_SEGMENTS numbers the final
 *   segments: face data and region graphs only: id tables, tree) -> RELABEL (-> segmentation.zarr)
 *   -> OMNIFY_CHOP (per region) -> OMNI_PROJECT, with EVALUATE_BLOCK -> EVALUATE and SNAPSHOT beside them; REPORT last.
 * Nothing voxel-sized travels between processes: tasks get boxes, store locations and the digests of what they
 * read, so a task's cache key changes exactly when its input data changes (see the README, "Resume").
 */
include { PHANTOM                  } from '../modules/local/phantom'
include { PLAN as CHOP             } from '../modules/local/plan'
include { FINGERPRINT              } from '../modules/local/fingerprint'
include { INFER                    } from '../modules/local/infer'
include { WATERSHED                } from '../modules/local/watershed'
include { STITCH as MERGE_STITCH   } from '../modules/local/stitch'
include { MERGE_FINISH as MERGE_SEGMENTS } from '../modules/local/merge_finish'
include { MERGE_LEVEL as MERGE_L2  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L3  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L4  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L5  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L6  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L7  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L8  } from '../modules/local/merge_level'
include { MERGE_LEVEL as MERGE_L9  } from '../modules/local/merge_level'
include { RELABEL                  } from '../modules/local/relabel'
include { FILL                     } from '../modules/local/fill'
include { AGGLOMERATE              } from '../modules/local/agglomerate'
include { OMNIFY_CHOP              } from '../modules/local/omnify_chop'
include { OMNI_PROJECT             } from '../modules/local/omni_project'
include { EVALUATE_BLOCK           } from '../modules/local/evaluate_block'
include { EVALUATE                 } from '../modules/local/evaluate'
include { SNAPSHOT                 } from '../modules/local/snapshot'
include { NEUROGLANCER_STATE       } from '../modules/local/neuroglancer_state'
include { REPORT                   } from '../modules/local/report'
include { PYRAMID                  } from '../modules/local/pyramid'
include { PYRAMID as PYRAMID_REST  } from '../modules/local/pyramid'
include { MESH                     } from '../modules/local/mesh'
include { MESH_MANIFEST            } from '../modules/local/mesh_manifest'

// One digest for several: the cache key of a task that reads what several other tasks wrote.
def digestOf(List parts) {
    def sha = java.security.MessageDigest.getInstance('SHA-256')
    parts.each { sha.update((it.toString() + '\n').getBytes('UTF-8')) }
    sha.digest().encodeHex().toString().substring(0, 32)
}

// An s3:// location stays a string: tasks read and write its objects themselves (a `path` would stage it).
def isS3(v) { v != null && v.toString().startsWith('s3://') }
def location(v) { isS3(v) ? v.toString().replaceAll('/+$', '') : file(v).toAbsolutePath().toString() }

// --s3-endpoint etc. for the head node's own `basin` calls (the tasks get them through ext.args)
def s3Options() {
    (params.s3_endpoint ? ['--s3-endpoint', params.s3_endpoint.toString()] : []) + (params.s3_path_style ? ['--s3-path-style'] : []) +
        (params.s3_region ? ['--s3-region', params.s3_region.toString()] : [])
}

// What the file system says of the input: size and modification time (for a folder such as a Zarr store, of every
// file in it); for s3://, what `basin stamp` lists (object count, bytes, a digest of the keys' sizes and ETags).
// CHOP and FINGERPRINT are keyed on it, so a -resume of an unchanged input reads none of its voxels.
def inputStamp(String loc, String option = '--input') {
    if (isS3(loc)) {
        def proc = (["${projectDir}/bin/basin", 'stamp', '--input', loc] + s3Options()).execute()
        def out = new StringBuilder()
        def err = new StringBuilder()
        proc.waitForProcessOutput(out, err)
        if (proc.exitValue() != 0) error "${option} '${loc}': ${err.toString().trim()}"
        return out.toString().trim()
    }
    def p = java.nio.file.Path.of(loc)
    if (java.nio.file.Files.isDirectory(p)) {
        long n = 0
        long bytes = 0
        long newest = 0
        def s = java.nio.file.Files.walk(p)
        try {
            s.filter { java.nio.file.Files.isRegularFile(it) }.forEach { q ->
                n++
                bytes += java.nio.file.Files.size(q)
                newest = Math.max(newest, java.nio.file.Files.getLastModifiedTime(q).toMillis())
            }
        } finally {
            s.close()
        }
        return "${n} files, ${bytes} bytes, newest ${newest}".toString()
    }
    "${java.nio.file.Files.size(p)} bytes, modified ${java.nio.file.Files.getLastModifiedTime(p).toMillis()}".toString()
}

def unstamped(Map meta) {
    meta.findAll { k, v -> k != 'input_stamp' }
}

// The rows of a tab-separated task or digest table, each with the element's meta.
def rows(ch) {
    ch.splitCsv(header: true, sep: '\t', elem: 1)
}

// name -> digest for every row of every digest table of one volume: [id, map], once all tasks have finished.
def digestMap(ch) {
    rows(ch).map { meta, r -> [meta.id, r.name, r.digest] }.groupTuple()
        .map { id, names, digests -> [id, [names, digests].transpose().collectEntries()] }
}

// The digests of the named parts, failing loudly on one that no task reported.
def digestsOf(Map digests, String names, String what) {
    names.tokenize(',').collect { n ->
        if (!digests.containsKey(n)) error "basin: no digest for ${what} ${n}; the plan and the tasks disagree"
        "${n}=${digests[n]}"
    }
}

def xyzList(v) { def t = v.toString().tokenize(','); (t.size() == 1 ? [t[0]] * 3 : t).collect { it.trim() as long } }

// A grid block "x0,y0,z0,x1,y1,z1" (or "x,y,z") as its six inclusive grid bounds.
def gridRange(String b) {
    def v = b.tokenize(',').collect { it.trim() as int }
    v.size() == 3 ? v + v : v
}

// The blocks ([name, block, ...] lists) indexed by their first chunk, with the tiling's step: the plan tiles the grid
// with blocks of one shape from the origin (cut at the far edges), so the blocks near one are found by arithmetic,
// not by comparing every block with every other (60,000 blocks at 10^12 voxels).
def blockIndex(List blocks) {
    def step = [1, 1, 1]
    def byOrigin = [:]
    blocks.each { b ->
        def r = gridRange(b[1])
        byOrigin[[r[0], r[1], r[2]]] = [b[0], r]
        (0..2).each { a -> step[a] = Math.max(step[a], r[a + 3] - r[a] + 1) }
    }
    [byOrigin: byOrigin, step: step]
}

// The names of the indexed blocks that meet the chunk range lo .. hi (inclusive; x, y, z): the origins there, in steps.
def blocksMeeting(Map index, List lo, List hi) {
    def s = index.step
    def from = (0..2).collect { a -> Math.max(0, Math.floorDiv((int) lo[a], (int) s[a])) * s[a] }
    def out = []
    for (int x = from[0]; x <= hi[0]; x += s[0]) {
        for (int y = from[1]; y <= hi[1]; y += s[1]) {
            for (int z = from[2]; z <= hi[2]; z += s[2]) {
                def nb = index.byOrigin[[x, y, z]]
                if (nb) {
                    out << nb[0]
                }
            }
        }
    }
    out
}

// The names of the indexed blocks that meet `block` grown by `below` chunks down and `above` chunks up on every
// axis: the blocks a task reads beside its own.
def blocksNear(String block, Map index, int below, int above) {
    def r = gridRange(block)
    blocksMeeting(index, (0..2).collect { r[it] - below }, (0..2).collect { r[it + 3] + above })
}

// The names of the indexed blocks of chunks `chunk` (voxels, x, y, z) that meet the voxel box [lo, hi).
def blocksMeetingBox(Map index, List box, List chunk) {
    blocksMeeting(index, (0..2).collect { (int) Math.floorDiv((long) box[0][it], (long) chunk[it]) },
        (0..2).collect { (int) (Math.floorDiv((long) box[1][it] + chunk[it] - 1, (long) chunk[it]) - 1) })
}

// The merge tree's tasks of one level ([meta, children lines]): the level's rows of merge.tsv, each once all its
// children ([id, parent, siblings, line]) are done (groupKey: as soon as the last one is, not when the level is).
def mergeLevel(ch_rows, int level, ch_children, String inter, String voxelSize) {
    def done = ch_children.filter { id, parent, n, line -> parent != '-' }
        .map { id, parent, n, line -> [groupKey("${id}/${parent}".toString(), n as int), line] }.groupTuple()
        .map { key, lines -> [key.getGroupTarget().toString(), lines.sort().join('\n')] }
    ch_rows.filter { id, first, r -> (r.level as int) == level }
        .map { id, first, r ->
            ["${id}/${r.name}".toString(), [id: id, name: r.name, level: level, position: r.position, parent: r.parent, siblings: r.siblings,
                first_fan_in: first, output: "${inter}/merge/${r.name}.h5".toString()] + sizeVoxels(voxelSize)]
        }
        .join(done, failOnDuplicate: true)
        .map { key, meta, lines -> [meta, lines] }
}

// The voxel size the watershed and its merge tasks measure T_size and T_dust against (conf/modules.config passes it
// as --voxel-size); nothing in the meta where none is known, so such runs keep their task keys.
def sizeVoxels(String voxelSize) {
    voxelSize ? [ws_voxel_size: voxelSize] : [:]
}

// A finished merge task as a child line for the level above and for MERGE_SEGMENTS: level, name, path, digest.
def mergeDone(ch) {
    ch.map { meta, f -> [meta.id, meta.parent, meta.siblings, [meta.level, meta.name, meta.output, digestOf(f.readLines())].join('\t')] }
}

workflow BASIN {
    take:
    halo    // the inference chunk halo x,y,z: the user's, or the ONNX model's need (main.nf)
    dataset // the input's dataset: --dataset, or the path of the --scale level (main.nf)
    voxelSize // x,y,z nm that T_size and T_dust are measured against (voxels of the finest axis), '' if unknown (main.nf)

    main:
    ch_versions = Channel.empty()
    def outdir    = file(params.outdir).toAbsolutePath().toString()
    def inter     = params.intermediate_dir ? file(params.intermediate_dir).toAbsolutePath().toString() : "${outdir}/intermediate"
    def stores    = params.store_dir ? location(params.store_dir) : outdir
    def ext       = params.store_format == 'n5' ? 'n5' : 'zarr'
    def affStore  = "${stores}/affinities.${ext}"
    def segStore  = "${stores}/segmentation.${ext}"

    if (params.input) {
        ch_raw   = Channel.of([[id: params.sample, dataset: dataset], location(params.input)])
        // ground truth in s3:// stays there as a location, read by each EVALUATE_BLOCK for its block and keyed on the
        // objects' stamp (a placeholder file stands in for the staged one); a local file is staged as usual
        ch_truth = !params.truth ? Channel.empty()
            : isS3(params.truth) ? Channel.of([[id: params.sample, truth_dataset: params.truth_dataset, truth_s3: location(params.truth),
                truth_stamp: inputStamp(location(params.truth), '--truth')], file("${projectDir}/assets/TRUTH_IN_S3")])
            : Channel.of([[id: params.sample, truth_dataset: params.truth_dataset], file(params.truth, checkIfExists: true)])
    } else {
        PHANTOM(Channel.of([id: params.sample]))
        ch_raw      = PHANTOM.out.raw.map { meta, f -> [meta + [dataset: 'raw'], f.toAbsolutePath().toString()] }
        ch_truth    = PHANTOM.out.truth.map { meta, f -> [meta + [truth_dataset: 'truth'], f] }
        ch_versions = ch_versions.mix(PHANTOM.out.versions)
    }
    // The raw volume as a location: tasks read their own boxes from it; its digests, not its date, key them.
    ch_raw_at = ch_raw.map { meta, f -> [meta.id, f] }

    // CHOP and FINGERPRINT run again when the input's stamp changed (an edit in place); the tasks after them are
    // keyed on the digests FINGERPRINT reports, never on the stamp
    CHOP(ch_raw.map { meta, f -> [meta + [halo: halo, input_stamp: inputStamp(f)], f] })

    ch_print = rows(CHOP.out.fingerprint).map { meta, r -> [meta.id, meta + [block: r.block, block_name: r.name]] }
        .combine(ch_raw_at, by: 0).map { id, meta, raw -> [meta, raw] }
    FINGERPRINT(ch_print)
    ch_raw_digests = digestMap(FINGERPRINT.out.digests)

    model = params.model ? file(params.model, checkIfExists: true) : file("${projectDir}/assets/NO_MODEL")
    // an INFER task is a block of inference chunks, keyed on their input digests
    ch_infer = rows(CHOP.out.infer).map { meta, r -> [meta.id, unstamped(meta) + [chunk: r.name, block: r.block, chunks: r.chunks, store: affStore]] }
        .combine(ch_raw_digests, by: 0)
        .map { id, meta, digests -> [id, meta.findAll { k, v -> k != 'chunks' } + [input_digest: digestOf(digestsOf(digests, meta.chunks, 'raw chunk'))]] }
        .combine(ch_raw_at, by: 0).map { id, meta, raw -> [meta, raw] }
    INFER(ch_infer, model)
    ch_aff_digests = digestMap(INFER.out.digests)

    // The merge tree (--merge tree): level 1's blocks are the watershed tasks, which settle them from the chunks in
    // memory and write their task files to ${inter}/merge; the region graph is carried up only for AGGLOMERATE.
    def mergeTree = params.merge == 'tree'
    def keepGraph = params.agglomerate ? true : false
    ch_tree_plan = CHOP.out.json.map { meta, f ->
        def plan = new groovy.json.JsonSlurper().parse(f.toFile())
        if ((plan.merge_top_level as int) > 9) {
            error "basin: the merge tree needs ${plan.merge_top_level} levels, the pipeline runs up to 9: raise --merge_fan_in (now ${params.merge_fan_in})"
        }
        [meta.id, plan.merge_first_fan_in_xyz]
    }

    // Each watershed block is keyed on the inference chunks whose cores its padded box meets.
    ch_ws = rows(CHOP.out.watershed)
        .map { meta, r -> [meta.id, [id: meta.id, block: r.block, block_name: r.name, infer_chunks: r.infer_chunks, merge_parent: r.merge_parent,
            merge_siblings: r.merge_siblings]] }
        .combine(ch_aff_digests, by: 0)
        .combine(ch_tree_plan, by: 0)
        .map { id, meta, digests, first ->
            meta.findAll { k, v -> k != 'infer_chunks' } + [store: affStore, out_dir: "${inter}/watershed/${meta.block_name}".toString(),
                affinity_digest: digestOf(digestsOf(digests, meta.infer_chunks, 'inference chunk'))] +
                (mergeTree ? [merge_file: "${inter}/merge/${meta.block_name}.h5".toString(), merge_first_fan_in: first,
                    merge_fan_in: params.merge_fan_in.toString(), region_graph: keepGraph] : [:]) + sizeVoxels(voxelSize)
        }
    WATERSHED(ch_ws)
    ch_ws_done = WATERSHED.out.digests.map { meta, f -> [meta, digestOf(f.readLines())] }

    if (mergeTree) {
        // levels 2..: one process per level (Nextflow runs each process once per workflow), each task as soon as its
        // children are done; the top is the level whose row has no parent
        ch_merge_rows = rows(CHOP.out.merge).map { meta, r -> [meta.id, r] }.combine(ch_tree_plan, by: 0).map { id, r, first -> [id, first, r] }
        ch_l1 = ch_ws_done.map { meta, d -> [meta.id, meta.merge_parent, meta.merge_siblings, [1, meta.block_name, meta.merge_file, d].join('\t')] }
        MERGE_L2(mergeLevel(ch_merge_rows, 2, ch_l1, inter, voxelSize))
        ch_l2 = mergeDone(MERGE_L2.out.digests)
        MERGE_L3(mergeLevel(ch_merge_rows, 3, ch_l2, inter, voxelSize))
        ch_l3 = mergeDone(MERGE_L3.out.digests)
        MERGE_L4(mergeLevel(ch_merge_rows, 4, ch_l3, inter, voxelSize))
        ch_l4 = mergeDone(MERGE_L4.out.digests)
        MERGE_L5(mergeLevel(ch_merge_rows, 5, ch_l4, inter, voxelSize))
        ch_l5 = mergeDone(MERGE_L5.out.digests)
        MERGE_L6(mergeLevel(ch_merge_rows, 6, ch_l5, inter, voxelSize))
        ch_l6 = mergeDone(MERGE_L6.out.digests)
        MERGE_L7(mergeLevel(ch_merge_rows, 7, ch_l6, inter, voxelSize))
        ch_l7 = mergeDone(MERGE_L7.out.digests)
        MERGE_L8(mergeLevel(ch_merge_rows, 8, ch_l7, inter, voxelSize))
        ch_l8 = mergeDone(MERGE_L8.out.digests)
        MERGE_L9(mergeLevel(ch_merge_rows, 9, ch_l8, inter, voxelSize))
        ch_l9 = mergeDone(MERGE_L9.out.digests)
        // the final numbering reads every task's record: it reruns exactly when a task file changed
        ch_finish = ch_l1.mix(ch_l2, ch_l3, ch_l4, ch_l5, ch_l6, ch_l7, ch_l8, ch_l9).map { id, parent, n, line -> [id, line] }.groupTuple()
            .map { id, lines -> [[id: id, id_tables: "${inter}/id_tables".toString(), region_graph: keepGraph], lines.sort().join('\n')] }
        MERGE_SEGMENTS(ch_finish)
        ch_merged = MERGE_SEGMENTS.out
        ch_versions = ch_versions.mix(MERGE_SEGMENTS.out.versions, MERGE_L2.out.versions.first())
    } else {
        // one task over every block's folder and digest as a value: it reruns exactly when a block changed
        ch_merge = ch_ws_done.map { meta, d -> [meta.id, [meta.block_name, meta.out_dir, d].join('\t')] }.groupTuple()
            .map { id, lines -> [[id: id, id_tables: "${inter}/id_tables".toString()] + sizeVoxels(voxelSize), lines.sort().join('\n')] }
        MERGE_STITCH(ch_merge)
        ch_merged = MERGE_STITCH.out
        ch_versions = ch_versions.mix(MERGE_STITCH.out.versions)
    }
    // Mean-affinity agglomeration of the global region graph: one task per volume; its tree replaces the spanning
    // tree as Omni's dendrogram and EVALUATE scores every threshold
    ch_tree = ch_merged.tree
    ch_agglomeration = ch_merged.tree.map { meta, t -> [meta.id, file("${projectDir}/assets/NO_AGGLOMERATION")] }
    if (params.agglomerate) {
        AGGLOMERATE(ch_merged.region_graph)
        ch_tree = AGGLOMERATE.out.tree
        ch_agglomeration = AGGLOMERATE.out.agglomeration.map { meta, d -> [meta.id, d] }
        ch_versions = ch_versions.mix(AGGLOMERATE.out.versions)
    }
    ch_id_digests = rows(ch_merged.digests).map { meta, r -> ["${meta.id}/${r.name}".toString(), r.digest] }

    // With --fill (dense labels), RELABEL writes an intermediate store and FILL the final one: a block's fill reads its
    // neighbours' relabelled voxels, so it cannot write where they are read.
    def fill = (params.fill as int) > 0
    def unfilledStore = params.store_dir ? "${stores}/intermediate/segmentation-unfilled.${ext}".toString() : "${inter}/segmentation-unfilled.${ext}".toString()
    ch_relabel = ch_ws_done.map { meta, d -> ["${meta.id}/${meta.block_name}".toString(), meta, d] }
        .join(ch_id_digests, failOnMismatch: true)
        .map { key, meta, wsDigest, idDigest ->
            [id: meta.id, block: meta.block, block_name: meta.block_name, ws_dir: meta.out_dir, store: fill ? unfilledStore : segStore,
                id_table: "${inter}/id_tables/${meta.block_name}.ids.h5".toString(), ws_digest: wsDigest, id_digest: idDigest]
        }
    RELABEL(ch_relabel)
    ch_seg_done = RELABEL.out.digests.map { meta, f -> [meta, digestOf(f.readLines())] }
    ch_seg_sizes = RELABEL.out.sizes
    if (fill) {
        // a block's fill reads its neighbours' relabelled voxels (its halo): it runs once RELABEL is done and is keyed
        // on the digests of the blocks it reads and on the affinities, so a resumed run redoes only the fills around
        // a block whose segmentation changed
        ch_fill = ch_seg_done.map { meta, d -> [meta.id, [meta.block_name, meta.block, d]] }.groupTuple().combine(ch_aff_digests, by: 0)
            .flatMap { id, bl, aff ->
                def sorted = bl.sort { it[0] }
                def digests = sorted.collectEntries { [it[0], it[2]] }
                def affDigest = aff.sort().collect { it.toString() }
                def index = blockIndex(sorted)
                sorted.collect { b ->
                    // its own block and every neighbour, face, edge or corner: its halo of --fill voxels is smaller
                    // than a watershed chunk, so it reaches one chunk into each of them
                    [id: id, block: b[1], block_name: b[0], store: segStore, unfilled: unfilledStore, affinities: affStore,
                        input_digest: digestOf(blocksNear(b[1], index, 1, 1).sort().collect { "${it}=${digests[it]}" } + affDigest)]
                }
            }
        FILL(ch_fill)
        ch_seg_done = FILL.out.digests.map { meta, f -> [meta, digestOf(f.readLines())] }
        ch_seg_sizes = FILL.out.sizes
        ch_versions = ch_versions.mix(FILL.out.versions.first())
    }
    ch_seg_digests = ch_seg_done.map { meta, d -> [meta.id, meta.block_name, d] }.groupTuple()
        .map { id, names, digests -> [id, [names, digests].transpose().collectEntries()] }

    // Omni regions read their boxes of the segmentation (written by the blocks they meet) and of the raw.
    ch_omni = rows(CHOP.out.omni)
        .map { meta, r -> [meta.id, unstamped(meta).findAll { k, v -> k != 'halo' } + [region: r.name, position: r.position, ws_blocks: r.ws_blocks, infer_chunks: r.infer_chunks]] }
        .combine(ch_seg_digests, by: 0).combine(ch_raw_digests, by: 0)
        .map { id, meta, seg, raw ->
            [id, meta.findAll { k, v -> !(k in ['ws_blocks', 'infer_chunks']) } + [store: segStore,
                input_digest: digestOf(digestsOf(seg, meta.ws_blocks, 'segmentation block') + digestsOf(raw, meta.infer_chunks, 'raw chunk'))]]
        }
        .combine(ch_raw_at, by: 0)
        .combine(ch_tree.map { meta, t -> [meta.id, t] }, by: 0)
        .map { id, meta, raw, tree -> [meta, raw, tree] }
    OMNIFY_CHOP(ch_omni)
    OMNI_PROJECT(OMNIFY_CHOP.out.regions.transpose().map { meta, f -> [meta + [omni_dir: "${outdir}/omni".toString()], f] })
    // One manifest for all regions, from each region task's own.
    OMNIFY_CHOP.out.manifest.map { meta, f -> new groovy.json.JsonSlurper().parse(f.toFile()) }.toSortedList { a, b -> a.projects[0].name <=> b.projects[0].name }
        .filter { it.size() > 0 }
        .map { docs ->
            // paths relative to the outdir, so a moved outdir stays valid
            def doc = docs[0].findAll { k, v -> k != 'projects' } + [segmentation: params.store_dir ? segStore : "segmentation.${ext}".toString(),
                raw: params.input ? location(params.input) : "demo/${params.sample}_raw.h5".toString(),
                projects: docs.collectMany { it.projects }]
            groovy.json.JsonOutput.prettyPrint(groovy.json.JsonOutput.toJson(doc)) + '\n'
        }
        .collectFile(name: 'manifest.json', storeDir: "${outdir}/omni")

    // Scores: per block contingency tables, summed.
    ch_eval = ch_seg_done.map { meta, d -> [meta.id, [id: meta.id, block: meta.block, block_name: meta.block_name, store: segStore, segmentation_digest: d]] }
        .combine(ch_truth.map { meta, t -> [meta.id, meta.subMap(['truth_dataset', 'truth_s3', 'truth_stamp']), t] }, by: 0)
        .map { id, meta, tm, t -> [meta + tm, t] }
    EVALUATE_BLOCK(ch_eval)
    EVALUATE(EVALUATE_BLOCK.out.partial.map { meta, f -> [meta.id, f] }.groupTuple()
        .combine(ch_agglomeration, by: 0).map { id, fs, agg -> [[id: id], fs.sort { it.name }, agg] })

    ch_snap = ch_raw.map { meta, r -> [meta.id, meta] }
        .combine(ch_seg_digests, by: 0).combine(ch_aff_digests, by: 0)
        .map { id, meta, seg, aff ->
            [id, meta + [affinities: affStore, segmentation: segStore, input_digest: digestOf(seg.sort().collect { it.toString() } + aff.sort().collect { it.toString() })]]
        }
        .combine(ch_raw_at, by: 0).map { id, meta, raw -> [meta, raw] }
    SNAPSHOT(ch_snap)

    // PYRAMID: OME-Zarr multiscale levels of raw.zarr (the input published block by block), the affinities (mean) and
    // the segmentation (mode). The first wave is one task per block of --pyramid_block (x,y,z voxels), keyed on the
    // digests of the chunks its block meets; when there is more than one block, a second task per store (PYRAMID_REST)
    // writes the levels below the ones a block can write alone, keyed on what the first wave wrote.
    ch_pyr_done = ch_raw.map { meta, r -> [meta.id, 'no pyramids'] }
    if (params.pyramid && params.store_format != 'n5') {
        def pblock = xyzList(params.pyramid_block)
        ch_grid = CHOP.out.json.map { meta, f ->
            def plan = new groovy.json.JsonSlurper().parse(f.toFile())
            def shape = xyzList(plan.volume_shape_xyz)
            def n = (0..2).collect { (int) Math.ceil(shape[it] / (double) pblock[it]) }
            def blocks = []
            for (z in 0..<n[2]) for (y in 0..<n[1]) for (x in 0..<n[0]) blocks << [x, y, z]
            [meta.id, [infer: xyzList(plan.infer_chunk_xyz), ws: xyzList(plan.ws_chunk_xyz), blocks: blocks]]
        }
        ch_infer_boxes = rows(CHOP.out.infer).map { meta, r -> [meta.id, [r.name, r.block]] }.groupTuple()
        ch_ws_boxes = rows(CHOP.out.watershed).map { meta, r -> [meta.id, [r.name, r.block]] }.groupTuple()
        // one task meta per (store, block): the digests of the parts (name -> [block, digest]) its block meets
        def tasks = { kind, store, extra, grid, parts, digests, chunk ->
            def many = grid.blocks.size() > 1
            def index = blockIndex(parts)
            grid.blocks.collect { b ->
                def box = [(0..2).collect { b[it] * pblock[it] }, (0..2).collect { (b[it] + 1) * pblock[it] }]
                def met = blocksMeetingBox(index, box, chunk).sort()
                [id: extra.id, name: "${kind}_${b.join('_')}".toString(), store: store, block_size: params.pyramid_block.toString(),
                    wave: many ? 'first' : 'all', grid_block: many ? b.join(',') : null, many: many,
                    input_digest: digestOf(met.collect { "${it}=${digests[it]}" })] + extra
            }
        }
        ch_pyr_raw = ch_grid.combine(ch_infer_boxes, by: 0).combine(ch_raw_digests, by: 0).combine(ch_raw.map { meta, f -> [meta.id, meta, f] }, by: 0)
            .flatMap { id, grid, parts, digests, meta, f ->
                tasks('raw', "${stores}/raw.${ext}".toString(), [id: id, input: f, dataset: meta.dataset], grid, parts, digests, grid.infer) }
        ch_pyr_aff = ch_grid.combine(ch_infer_boxes, by: 0).combine(ch_aff_digests, by: 0)
            .flatMap { id, grid, parts, digests -> tasks('affinities', affStore, [id: id], grid, parts, digests, grid.infer) }
        ch_pyr_seg = ch_grid.combine(ch_ws_boxes, by: 0).combine(ch_seg_digests, by: 0)
            .flatMap { id, grid, parts, digests -> tasks('segmentation', segStore, [id: id, source_image: "../raw.${ext}".toString()], grid, parts, digests, grid.ws) }
        PYRAMID(ch_pyr_raw.mix(ch_pyr_aff, ch_pyr_seg))
        ch_pyr_rest = PYRAMID.out.digests.filter { meta, f -> meta.many }
            .map { meta, f -> [[meta.id, meta.store].join('\t'), meta, digestOf(f.readLines())] }.groupTuple()
            .map { key, metas, ds ->
                def m = metas[0]
                [id: m.id, name: m.name.replaceFirst(/_[0-9_]+$/, '_rest'), store: m.store, block_size: m.block_size, wave: 'rest',
                    source_image: m.source_image, input_digest: digestOf(ds.sort())]
            }
        PYRAMID_REST(ch_pyr_rest)
        // the state and the report read the levels: they wait for every pyramid task, keyed on what those wrote
        ch_pyr_done = PYRAMID.out.digests.mix(PYRAMID_REST.out.digests).map { meta, f -> [meta.id, digestOf(f.readLines())] }
            .groupTuple().map { id, ds -> [id, digestOf(ds.sort())] }
        ch_versions = ch_versions.mix(PYRAMID.out.versions.first())
    } else if (params.pyramid) {
        log.info "basin: no pyramids: --store_format n5 (basin pyramid writes OME-Zarr levels only)"
    }

    // Meshes: groups of --mesh_batch watershed blocks, each keyed on the digests of the segmentation blocks it reads;
    // one manifest task per volume from their fragment lists (names, never triangles). Written beside the store.
    ch_mesh_done = ch_raw.map { meta, r -> [meta.id, 'no meshes'] }
    if (params.meshes) {
        def meshDir = "${stores}/meshes".toString()
        ch_mesh = ch_seg_done.map { meta, d -> [meta.id, [meta.block_name, meta.block, d]] }.groupTuple()
            .flatMap { id, bl ->
                def sorted = bl.sort { it[0] }
                def digests = sorted.collectEntries { [it[0], it[2]] }
                def index = blockIndex(sorted)
                sorted.collate(params.mesh_batch as int).collect { group ->
                    // its own blocks and those holding the voxel past their upper faces (marching cubes reads one voxel of overlap)
                def reads = group.collectMany { b -> blocksNear(b[1], index, 0, 1) }.unique().sort()
                    [id: id, mesh_name: group.size() == 1 ? group[0][0] : "${group[0][0]}+${group.size() - 1}".toString(),
                        blocks: group.collect { it[1] }, store: segStore, meshes: meshDir,
                        segmentation_digest: digestOf(reads.collect { "${it}=${digests[it]}" })]
                }
            }
        MESH(ch_mesh)
        MESH_MANIFEST(MESH.out.fragments.map { meta, f -> [meta.id, f] }.groupTuple()
            .map { id, fs -> [[id: id, meshes: meshDir], fs.sort { it.name }] })
        // the Neuroglancer state lists the segments with manifests: it waits for them, keyed on the fragment lists
        ch_mesh_done = MESH.out.fragments.map { meta, f -> [meta.id, digestOf(f.readLines())] }.groupTuple()
            .map { id, ds -> [id, digestOf(ds.sort())] }
            .combine(MESH_MANIFEST.out.meshes.map { m -> [m.id, true] }, by: 0).map { id, d, written -> [id, d] }
        ch_versions = ch_versions.mix(MESH.out.versions.first(), MESH_MANIFEST.out.versions)
    }

    // neuroglancer.json, one task per volume once the stores are written (keyed on their digests). Stores in the
    // outdir get sources relative to wherever it is served (`basin view OUTDIR`); stores in s3:// (--store_dir) get the
    // bucket's URL. A local --store_dir gets none here: `basin view STORE_DIR` makes and serves its state.
    ch_ng_versions = Channel.empty()
    if (!params.store_dir || isS3(params.store_dir)) {
        ch_state = ch_seg_digests.combine(ch_aff_digests, by: 0).combine(ch_pyr_done, by: 0).combine(ch_mesh_done, by: 0)
            .map { id, seg, aff, pyr, mesh ->
                [[id: id, input_digest: digestOf(seg.sort().collect { it.toString() } + aff.sort().collect { it.toString() } + [pyr, mesh])],
                    params.store_dir ? stores : outdir]
            }
        NEUROGLANCER_STATE(ch_state)
        ch_ng_versions = NEUROGLANCER_STATE.out.versions
    }

    // The QC report: slices read from the stores (bounded by a slice), segment sizes summed from RELABEL's per-block
    // tables (never a scan of the volume), the scores when there is truth. Keyed like SNAPSHOT on the stores' digests.
    // The pyramid levels' completion is in the key too, so the slices come from finished levels.
    ch_sizes = ch_seg_sizes.map { meta, f -> [meta.id, f] }.groupTuple().map { id, fs -> [id, fs.sort { it.name }] }
    ch_report_scores = (!params.input || params.truth) ? EVALUATE.out.scores.map { meta, f -> [meta.id, f] }
        : ch_raw.map { meta, r -> [meta.id, file("${projectDir}/assets/NO_SCORES")] }
    ch_report = ch_snap.map { meta, raw -> [meta.id, meta, raw] }
        .combine(ch_sizes, by: 0).combine(ch_report_scores, by: 0).combine(ch_pyr_done, by: 0)
        .map { id, meta, raw, sizes, scores, pyr -> [meta + [input_digest: digestOf([meta.input_digest, pyr])], raw, sizes, scores] }
    // the parameters as the user set them (names with underscores, as the schema has them; values as text)
    def runParams = groovy.json.JsonOutput.toJson(new TreeMap(params.findAll { k, v -> k ==~ /[a-z0-9_]+/ && k != 'help' }
        .collectEntries { k, v -> [k, v == null ? null : v.toString()] }))
    REPORT(ch_report, runParams)

    ch_versions = ch_versions.mix(CHOP.out.versions, FINGERPRINT.out.versions.first(), INFER.out.versions.first(),
        WATERSHED.out.versions.first(), RELABEL.out.versions.first(), OMNIFY_CHOP.out.versions.first(),
        OMNI_PROJECT.out.versions.first(), EVALUATE_BLOCK.out.versions.first(), EVALUATE.out.versions, SNAPSHOT.out.versions, REPORT.out.versions, ch_ng_versions)

    emit:
    tree     = ch_merged.tree
    projects = OMNI_PROJECT.out.project
    scores   = EVALUATE.out.scores
    report   = REPORT.out.report
    versions = ch_versions
}
