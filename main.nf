#!/usr/bin/env nextflow
/*
 * basin: raw EM volume -> affinities -> watershed segmentation -> Omni proofreading projects.
 * Run: ./nextflow run . -profile test          (the built-in phantom demo)
 *      ./nextflow run . --input raw.h5 --dataset stack --outdir results
 */
nextflow.enable.dsl = 2

include { BASIN } from './workflows/basin'

// ---- parameter checks: fail before any task is submitted, with a message that says what to change ----

// Every parameter against nextflow_schema.json (nf-schema cannot be fetched offline): type, enum, pattern, range;
// names the schema lacks are refused with the nearest known one. Runs before any task and before the jar build.
def schemaParameters() {
    def schema = new groovy.json.JsonSlurper().parse(file("${projectDir}/nextflow_schema.json").toFile())
    def props = [:]
    schema['$defs'].each { group, g -> g.properties.each { name, spec -> props[name] = spec + [group: g.title] } }
    return props
}

def editDistance(String a, String b) {
    def d = (0..b.length()).collect { it }
    for (int i = 1; i <= a.length(); i++) {
        def prev = d[0]
        d[0] = i
        for (int j = 1; j <= b.length(); j++) {
            def tmp = d[j]
            d[j] = [d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1)].min()
            prev = tmp
        }
    }
    return d[b.length()]
}

def printHelp(Map props) {
    def lines = ['Usage: ./nextflow run . --input raw.h5 --dataset /raw --outdir results [--parameter value ...]', '']
    props.groupBy { it.value.group }.each { group, ps ->
        lines << "${group}:"
        ps.findAll { !it.value.hidden }.each { name, spec ->
            def type = spec.enum ? spec.enum.join('|') : spec.type
            def dflt = params.containsKey(name) && params[name] != null && params[name] != '' ? " (default ${params[name]})" : ''
            lines << "  --${name.padRight(17)} ${type}  ${spec.description}${dflt}"
        }
        lines << ''
    }
    lines << 'Parameter names take underscores (--voxel_size 4,4,40). Profiles: -profile test | lsf | slurm | awsbatch | docker | singularity.'
    println lines.join('\n')
}

def validateParameters(Map props) {
    def problems = []
    def given = params.keySet() as List
    given.each { String name ->
        if (props.containsKey(name)) return
        // Nextflow stores --voxel-size also as voxelSize: one message for the pair
        if (given.any { it.contains('-') && it.replaceAll(/-(\w)/) { all, c -> c.toUpperCase() } == name }) return
        def snake = name.replace('-', '_').replaceAll(/([a-z0-9])([A-Z])/, '$1_$2').toLowerCase()
        def near = props.keySet().min { editDistance(snake, it) }
        if (!near || editDistance(snake, near) > 3) near = props.keySet().find { snake.startsWith(it) || it.startsWith(snake) }
        def hint = snake in props ? "; did you mean --${snake}? (parameter names take underscores)" : (near ? "; did you mean --${near}?" : '')
        problems << "unknown parameter --${name}${hint}"
    }
    props.each { String name, spec ->
        if (!params.containsKey(name) || params[name] == null) return
        def v = params[name]
        def shown = "--${name} '${v}'"
        switch (spec.type) {
            case 'boolean':
                if (!(v instanceof Boolean)) problems << "${shown} must be true or false"
                return
            case 'integer':
                if (!(v instanceof Integer || v instanceof Long || v instanceof BigInteger)) { problems << "${shown} must be a whole number"; return }
                break
            case 'number':
                if (!(v instanceof Number)) { problems << "${shown} must be a number"; return }
                break
            default: // string: Nextflow turns --chunk 64 into a number, and a bare --input into true
                if (v instanceof Boolean) { problems << "--${name} needs a value"; return }
                if (v.toString() == '' && !spec.pattern) return
        }
        if (spec.enum && !(v.toString() in spec.enum)) problems << "${shown} must be one of ${spec.enum.join(', ')}"
        if (spec.pattern && !(v.toString() ==~ spec.pattern)) problems << "${shown} does not have the form ${spec.pattern} (${spec.description})"
        if (spec.minimum != null && v instanceof Number && v < spec.minimum) problems << "${shown} must be at least ${spec.minimum}"
        if (spec.maximum != null && v instanceof Number && v > spec.maximum) problems << "${shown} must be at most ${spec.maximum}"
    }
    if (problems) error "basin: ${problems.size() == 1 ? 'a parameter is' : problems.size() + ' parameters are'} wrong (./nextflow run . --help lists them):\n  " + problems.join('\n  ')
}

def schemaProps = schemaParameters()
if (params.help) {
    printHelp(schemaProps)
    exit 0
}
validateParameters(schemaProps)

def triplet(String name, value = null) {
    def v = value ?: params[name]
    def parts = v.toString().split(',')*.trim()
    if (parts.size() == 1) parts = [parts[0]] * 3
    if (parts.size() != 3 || !parts.every { it.isInteger() && it.toInteger() >= 0 }) {
        error "--${name} '${v}' must be x,y,z (three non-negative whole numbers) or one number for all axes"
    }
    return parts*.toInteger()
}

def checkSmaller(String pad, String chunk, padValue = null) {
    def p = triplet(pad, padValue)
    def c = triplet(chunk)
    (0..2).each { a ->
        if (c[a] < 1) error "--${chunk} '${params[chunk]}' must be positive on every axis"
        if (p[a] >= c[a]) error "--${pad} '${padValue ?: params[pad]}' must be smaller than --${chunk} '${params[chunk]}' on every axis (x,y,z)"
    }
}

// Builds (or rebuilds, when sources changed) the tools jar the tasks run; a container supplies its own.
def ensureToolsJar() {
    if (workflow.stubRun || params.skip_build || workflow.containerEngine) return
    def jar = file("${projectDir}/java-tools/target/basin.jar")
    def sources = file("${projectDir}/java-tools/src")
    long newest = 0
    sources.eachFileRecurse { f -> newest = Math.max(newest, f.lastModified()) }
    newest = Math.max(newest, file("${projectDir}/java-tools/pom.xml").lastModified())
    if (jar.exists() && jar.lastModified() >= newest) return
    log.info "basin: building the tools jar (mvn -q -f java-tools/pom.xml package -DskipTests) ..."
    def proc = ['mvn', '-q', '-f', "${projectDir}/java-tools/pom.xml", 'package', '-DskipTests'].execute()
    def out = new StringBuilder()
    proc.waitForProcessOutput(out, out)
    if (proc.exitValue() != 0) error "basin: building the tools jar failed:\n${out}"
}

// Reads the input's header with `basin info` so a wrong dataset, shape or dtype fails now, not in a task.
// Returns the dataset every stage reads (--dataset, or with --scale N the path of that level, as basin info resolves
// it) and the voxel size x,y,z the watershed and merge tasks measure T_size and T_dust against (voxels of the finest
// axis): --voxel_size, else the input's; '' where neither is known (plain voxel counts).
def checkInput() {
    if (!params.input) return inputFacts(params.dataset, params.voxel_size)
    // an s3:// input is a location the tasks read themselves: the head node asks `basin info` of it (no nf-amazon needed)
    def s3 = params.input.toString().startsWith('s3://')
    def f = s3 ? null : file(params.input)
    if (!s3 && !f.exists()) error "--input '${params.input}': no such file or folder"
    if (workflow.stubRun || params.skip_input_check || workflow.containerEngine || (!s3 && params.input.toString().contains('://'))) {
        if (params.scale != null && !workflow.stubRun) error "--scale needs the input check (basin info on the head node): give the level's path with --dataset instead"
        return inputFacts(params.dataset, params.voxel_size)
    }
    def cmd = ["${projectDir}/bin/basin", 'info', '--json', s3 ? params.input.toString() : f.toString()]
    if (s3) {
        cmd += (params.s3_endpoint ? ['--s3-endpoint', params.s3_endpoint.toString()] : []) + (params.s3_path_style ? ['--s3-path-style'] : []) +
            (params.s3_region ? ['--s3-region', params.s3_region.toString()] : [])
    }
    if (params.dataset) cmd += ['--dataset', params.dataset.toString()]
    if (params.scale != null) cmd += ['--scale', params.scale.toString()]
    def proc = cmd.execute()
    def out = new StringBuilder()
    def err = new StringBuilder()
    proc.waitForProcessOutput(out, err)
    if (proc.exitValue() != 0) error "--input '${params.input}'${params.dataset ? " --dataset '${params.dataset}'" : ''}${params.scale != null ? " --scale ${params.scale}" : ''}: ${err.toString().trim()}"
    def info = new groovy.json.JsonSlurper().parseText(out.toString())
    // a Zarr input without any chunk file reads as nothing but its fill value: the run would "succeed" with nothing
    if (info.warning == 'no chunk written') error "--input '${params.input}': ${err.toString().trim().replaceFirst(/^basin info: warning: /, '')}"
    if (info.channels != 0) error "--input '${params.input}': the raw volume must be 3D (z, y, x); it has shape ${info.array_shape}"
    if (!(info.dtype in ['uint8', 'uint16', 'float32'])) error "--input '${params.input}': dtype ${info.dtype} is not supported for raw EM; use uint8, uint16 or float32"
    log.info "basin: input ${info.path}${info.dataset ? ':' + info.dataset : ''} ${info.dtype} ${info.shape_xyz} (x,y,z)" +
        (params.scale != null ? ", level ${params.scale} of ${info.levels}" : '')
    // which voxel size the outputs (Neuroglancer, Omni) will carry: the parameter overrides what the input says
    if (params.voxel_size) {
        log.info "basin: voxel size ${params.voxel_size} nm (x,y,z) from --voxel_size" + (info.voxel_size_xyz ? " (the input says ${info.voxel_size_xyz}, its ${info.voxel_size_from})" : '')
    } else if (info.voxel_size_xyz) {
        log.info "basin: voxel size ${info.voxel_size_xyz} nm (x,y,z) from the input (its ${info.voxel_size_from})"
    } else {
        log.warn "basin: the input gives no voxel size: the outputs say 1,1,1 nm; give --voxel_size x,y,z"
    }
    return inputFacts(params.scale != null ? info.scale_dataset : params.dataset, params.voxel_size ?: info.voxel_size_xyz)
}

def inputFacts(dataset, voxelSize) {
    [dataset: dataset, voxel_size: voxelSize ? voxelSize.toString() : '']
}

// The chunk halo: the user's, or for an ONNX model its margin + 1 (read with `basin info --model`), so that chunked
// inference equals whole-volume inference in every chunk core. A user halo thinner than the model needs is refused.
def inferenceHalo() {
    if (params.backend != 'onnx' || workflow.stubRun) return params.halo ?: '8,8,4'
    def proc = ["${projectDir}/bin/basin", 'info', '--json', '--model', file(params.model).toString()].execute()
    def out = new StringBuilder()
    def err = new StringBuilder()
    proc.waitForProcessOutput(out, err)
    if (proc.exitValue() != 0) error "--model '${params.model}': ${err.toString().trim()}"
    def need = new groovy.json.JsonSlurper().parseText(out.toString()).halo_xyz
    if (!params.halo) {
        log.info "basin: halo ${need} (x,y,z) from the model's margin"
        return need
    }
    def needed = need.split(',')*.toInteger()
    if ((0..2).any { triplet('halo')[it] < needed[it] }) {
        error "--halo '${params.halo}' is thinner than the model needs (${need} x,y,z: its margin + 1), so chunk borders would show; leave --halo unset to use the model's"
    }
    return params.halo
}

workflow {
    if (workflow.profile.tokenize(',').contains('awsbatch') && !workflow.workDir.toUri().toString().startsWith('s3:')) {
        error "-profile awsbatch needs an S3 work directory shared by the Batch jobs: add -work-dir s3://BUCKET/work (now '${workflow.workDir}')"
    }
    if (workflow.profile.tokenize(',').contains('awsbatch') && !params.queue) error "-profile awsbatch needs --queue JOB_QUEUE"
    // Batch jobs share no disk: the stores go to S3, the per-block intermediates to a file system every host mounts
    if (workflow.profile.tokenize(',').contains('awsbatch') && !workflow.stubRun) {
        if (!params.store_dir?.toString()?.startsWith('s3://')) error "-profile awsbatch needs --store_dir s3://BUCKET/PREFIX for the affinity and segmentation stores (now '${params.store_dir}')"
        if (!params.intermediate_dir) error "-profile awsbatch needs --intermediate_dir on a file system every Batch host mounts (aws.batch.volumes), e.g. /mnt/efs/basin/intermediate"
    }
    if (!(params.sample.toString() ==~ /[A-Za-z0-9][A-Za-z0-9._-]*/)) {
        error "--sample '${params.sample}' must be letters, digits, '.', '_' or '-' (it names files and tasks)"
    }
    if (!params.input && !params.demo) {
        error "give --input raw.h5 (with --dataset) or run the demo with -profile test"
    }
    if (!(params.backend in ['intensity', 'boundary', 'onnx'])) error "--backend '${params.backend}' must be intensity, boundary or onnx"
    if (params.backend == 'onnx' && !params.model) error "--backend onnx needs --model file.onnx"
    if (params.model && !file(params.model).exists()) error "--model '${params.model}': no such file"
    if (params.truth && !params.truth.toString().startsWith('s3://') && !file(params.truth).exists()) error "--truth '${params.truth}': no such file"
    if (!(params.infer_dtype in ['float32', 'uint8'])) error "--infer_dtype '${params.infer_dtype}' must be float32 or uint8"
    if (!(params.device ==~ /cpu|cuda(:\d+)?/)) error "--device '${params.device}' must be cpu, cuda or cuda:N"
    if (params.device != 'cpu' && params.backend != 'onnx') error "--device ${params.device} only applies to --backend onnx"
    if (params.ws_batch != null && (!(params.ws_batch instanceof Integer) || params.ws_batch < 1)) error "--ws_batch '${params.ws_batch}' must be a whole number of chunks, at least 1"
    if (!(params.ws_batch_voxels instanceof Number) || params.ws_batch_voxels < 1) error "--ws_batch_voxels '${params.ws_batch_voxels}' must be a whole number of voxels, at least 1"
    if (!(params.infer_batch_voxels instanceof Number) || params.infer_batch_voxels < 1) error "--infer_batch_voxels '${params.infer_batch_voxels}' must be a whole number of voxels, at least 1"
    if (triplet('ws_chunk').any { it < 3 }) error "--ws_chunk '${params.ws_chunk}' must be at least 3 on every axis (the watershed reads a halo of 2)"
    if (params.ng_source_base && !(params.ng_source_base.toString() ==~ /(https?|s3|gs):\/\/[^\s'"`\$;|&<>\\]+/)) error "--ng_source_base '${params.ng_source_base}' must be an http(s)://, s3:// or gs:// URL without spaces or shell characters"
    if (!(params.fill instanceof Integer) || params.fill < 0) error "--fill '${params.fill}' must be a whole number of voxels, 0 or more (0: no dense labels)"
    if (params.fill > 0 && triplet('ws_chunk').any { it <= params.fill }) error "--fill ${params.fill} must be smaller than --ws_chunk '${params.ws_chunk}' on every axis (a block reads a halo of --fill voxels)"
    if (!(params.merge in ['tree', 'single'])) error "--merge '${params.merge}' must be tree or single"
    if (triplet('merge_fan_in').any { it < 1 }) error "--merge_fan_in '${params.merge_fan_in}' must be at least 1 on every axis"
    triplet('divs')
    triplet('omni_overlap')
    if (params.voxel_size != null && !params.voxel_size.toString().split(',').every { it.trim().toDouble() > 0 }) {
        error "--voxel_size '${params.voxel_size}' must be sizes above 0 (x,y,z nm, or one number for all axes)"
    }
    ensureToolsJar()
    def halo = inferenceHalo()
    checkSmaller('halo', 'chunk', halo)
    def input = checkInput()

    BASIN(halo, input.dataset, input.voxel_size)
    // all as text (collectFile's sort cannot compare a file with a string; the cache cannot store a VersionNumber)
    BASIN.out.versions.unique().map { it.text }
        .mix(Channel.of("Workflow: { Nextflow: ${nextflow.version}, basin: ${workflow.manifest.version} }\n".toString()))
        .unique()
        .collectFile(name: 'software_versions.yml', storeDir: "${params.outdir}/pipeline_info", sort: true)
}

// ---- the end of a run: the report's stage table and a short summary ----

// The per-stage table needs the whole trace, which exists only when the run ends: here, on the head node, `basin report`
// redoes report.html from the REPORT task's report.json and PNGs (publishDir has copied them into <outdir>/report
// before onComplete runs) and the trace, in about a second, reading no volume. It prints the segments and scores.
def finishReport() {
    def outdir = file(params.outdir).toAbsolutePath()
    def dir = outdir.resolve('report')
    def summary = null
    if (java.nio.file.Files.isRegularFile(dir.resolve('report.json'))) {
        def trace = workflow.session.config.navigate('trace.file')
        def run = [run_name: workflow.runName, command: workflow.commandLine, started: workflow.start.toString(),
            duration: workflow.duration.toString(), nextflow: nextflow.version.toString(), basin: workflow.manifest.version, resumed: workflow.resume]
        dir.resolve('run.json').text = groovy.json.JsonOutput.prettyPrint(groovy.json.JsonOutput.toJson(run)) + '\n'
        def cmd = ["${projectDir}/bin/basin", 'report', '--out-dir', dir.toString(), '--run-info', dir.resolve('run.json').toString(),
            '--overwrite', '--summary'] + (trace && file(trace).exists() ? ['--trace', file(trace).toString()] : [])
        def proc = cmd.collect { it.toString() }.execute()
        def out = new StringBuilder()
        def err = new StringBuilder()
        proc.waitForProcessOutput(out, err)
        if (proc.exitValue() == 0) {
            summary = out.toString().trim()
        } else {
            log.warn "basin: report.html lacks the stage table (${err.toString().trim()})"
        }
    }
    if (summary) log.info "basin: ${summary}"
    log.info "basin: outputs in ${outdir}" + (java.nio.file.Files.isRegularFile(dir.resolve('report.html')) ? "; QC report ${dir.resolve('report.html')}" : '')
    if (params.store_dir?.toString()?.startsWith('s3://')) {
        log.info "basin: look at it in Neuroglancer: open ${outdir}/neuroglancer.json there (its sources are in ${params.store_dir}; the bucket must allow the viewer's reads and CORS)"
    } else {
        log.info "basin: look at it in Neuroglancer: bin/basin view ${params.store_dir ?: outdir}"
    }
}

workflow.onComplete {
    if (workflow.success) {
        log.info "basin: done in ${workflow.duration}"
        if (!workflow.stubRun) {
            finishReport()
        } else {
            log.info "basin: outputs in ${params.outdir}"
        }
    } else {
        log.error "basin: failed (${workflow.errorMessage?.readLines()?.first() ?: 'see .nextflow.log'}); fix the cause and rerun with -resume: finished tasks are reused"
    }
}
