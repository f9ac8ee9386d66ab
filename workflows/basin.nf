/*
 * The basin DAG: chop -> infer -> merge -> watershed-chop -> watershed -> stitch -> omnify-chop -> omni project,
 * with the optional demo phantom, evaluation against ground truth and a snapshot picture.
 */
include { PHANTOM                  } from '../modules/local/phantom'
include { CHOP as CHOP_RAW         } from '../modules/local/chop'
include { INFER                    } from '../modules/local/infer'
include { MERGE as MERGE_AFFINITIES } from '../modules/local/merge'
include { CHOP as WATERSHED_CHOP   } from '../modules/local/chop'
include { WATERSHED                } from '../modules/local/watershed'
include { STITCH as MERGE_SEGMENTS } from '../modules/local/stitch'
include { OMNIFY_CHOP              } from '../modules/local/omnify_chop'
include { OMNI_PROJECT             } from '../modules/local/omni_project'
include { EVALUATE                 } from '../modules/local/evaluate'
include { SNAPSHOT                 } from '../modules/local/snapshot'

// One channel element per chunk file, its meta naming the chunk.
def perChunk(ch) {
    ch.transpose().map { meta, f -> [meta + [chunk: f.baseName.replaceAll(/\..*$/, '')], f] }
}

// Back to one element per volume, with every chunk file (from single chunks or batches).
def allChunks(ch) {
    ch.map { meta, f -> [meta.findAll { k, v -> !(k in ['chunk', 'chunks', 'batch']) }, f] }.groupTuple().map { meta, f -> [meta, f.flatten()] }
}

// Chunk files in batches of `size` (in name order), one element per batch; meta.chunk names the first and last
// chunk (the task's tag), meta.chunks every chunk in it.
def batches(ch, int size) {
    ch.flatMap { meta, files ->
        def sorted = (files instanceof List ? files : [files]).sort { it.name }
        sorted.collate(size).withIndex().collect { group, i ->
            def names = group.collect { it.baseName.replaceAll(/\..*$/, '') }
            [meta + [batch: i, chunks: names, chunk: names.size() == 1 ? names[0] : "${names[0]}-${names[-1]}".toString()], group]
        }
    }
}

// Watershed chunks per WATERSHED task: --ws_batch, or as many ws_chunk-sized chunks as hold --ws_batch_voxels, so
// that a task does a few seconds of work (and pays its JVM start once) whatever the chunk size.
def wsBatchSize() {
    if (params.ws_batch != null) return params.ws_batch as int
    def c = params.ws_chunk.toString().split(',')*.trim()*.toLong()
    def voxels = c.size() == 1 ? c[0] * c[0] * c[0] : c[0] * c[1] * c[2]
    return Math.max(1L, (params.ws_batch_voxels as long).intdiv(voxels)) as int
}

workflow BASIN {
    take:
    halo // the inference chunk halo x,y,z: the user's, or the ONNX model's need (main.nf)

    main:
    ch_versions = Channel.empty()

    if (params.input) {
        ch_raw   = Channel.of([[id: params.sample, dataset: params.dataset], file(params.input, checkIfExists: true)])
        ch_truth = params.truth
            ? Channel.of([[id: params.sample, truth_dataset: params.truth_dataset], file(params.truth, checkIfExists: true)])
            : Channel.empty()
    } else {
        PHANTOM(Channel.of([id: params.sample]))
        ch_raw      = PHANTOM.out.raw.map { meta, f -> [meta + [dataset: 'raw'], f] }
        ch_truth    = PHANTOM.out.truth.map { meta, f -> [meta + [truth_dataset: 'truth'], f] }
        ch_versions = ch_versions.mix(PHANTOM.out.versions)
    }

    CHOP_RAW(ch_raw.map { meta, f -> [meta + [halo: halo], f] })
    model = params.model ? file(params.model, checkIfExists: true) : file("${projectDir}/assets/NO_MODEL")
    INFER(perChunk(CHOP_RAW.out.chunks), model)
    MERGE_AFFINITIES(allChunks(INFER.out.affinities))

    WATERSHED_CHOP(MERGE_AFFINITIES.out.volume.map { meta, v -> [meta + [dataset: null], v] })
    def wsBatch = wsBatchSize()
    log.info "basin: watershed ${wsBatch} chunk${wsBatch == 1 ? '' : 's'} per task (${params.ws_batch != null ? '--ws_batch' : '--ws_batch_voxels ' + params.ws_batch_voxels})"
    WATERSHED(batches(WATERSHED_CHOP.out.chunks, wsBatch))
    MERGE_SEGMENTS(allChunks(WATERSHED.out.segments).map { meta, f -> [meta.findAll { k, v -> k != 'dataset' }, f] })

    // Join on the volume id: metas differ in their dataset fields.
    ch_seg_raw = MERGE_SEGMENTS.out.segmentation.map { meta, s -> [meta.id, s] }
        .join(ch_raw.map { meta, r -> [meta.id, meta, r] })
        .join(MERGE_SEGMENTS.out.tree.map { meta, t -> [meta.id, t] })
        .map { id, s, meta, r, t -> [meta, s, r, t] }
    OMNIFY_CHOP(ch_seg_raw)
    OMNI_PROJECT(OMNIFY_CHOP.out.regions.transpose())

    ch_eval = MERGE_SEGMENTS.out.segmentation.map { meta, s -> [meta.id, s] }
        .join(ch_truth.map { meta, t -> [meta.id, meta, t] })
        .map { id, s, meta, t -> [meta, s, t] }
    EVALUATE(ch_eval)

    ch_snap = ch_raw.map { meta, r -> [meta.id, meta, r] }
        .join(MERGE_AFFINITIES.out.volume.map { meta, a -> [meta.id, a] })
        .join(MERGE_SEGMENTS.out.segmentation.map { meta, s -> [meta.id, s] })
        .map { id, meta, r, a, s -> [meta, r, a, s] }
    SNAPSHOT(ch_snap)

    ch_versions = ch_versions.mix(CHOP_RAW.out.versions.first(), INFER.out.versions.first(), MERGE_AFFINITIES.out.versions,
        WATERSHED_CHOP.out.versions.first(), WATERSHED.out.versions.first(), MERGE_SEGMENTS.out.versions,
        OMNIFY_CHOP.out.versions, OMNI_PROJECT.out.versions.first())

    emit:
    affinities   = MERGE_AFFINITIES.out.volume
    segmentation = MERGE_SEGMENTS.out.segmentation
    tree         = MERGE_SEGMENTS.out.tree
    projects     = OMNI_PROJECT.out.project
    scores       = EVALUATE.out.scores
    versions     = ch_versions
}
