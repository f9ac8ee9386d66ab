#!/usr/bin/env nextflow
/*
 * Submits the real INFER module once, for the profile tests: run with -c <repo>/nextflow.config -profile lsf|slurm and a
 * scheduler command (bsub, sbatch) that refuses the job, then read the #BSUB / #SBATCH lines of the task's .command.run.
 */
include { INFER } from '../../modules/local/infer'

workflow {
    INFER(Channel.of([[id: "probe", chunk: "chunk_0_0_0"], file("${projectDir}/main.nf")]), file("${projectDir}/../../assets/NO_MODEL"))
}
