#!/usr/bin/env bash
# Pipeline benchmark (issue: terabyte data flow). The whole pipeline on phantoms of several sizes, for the current
# design and for an older commit (the file-per-chunk design, BASELINE) in the same run, each from one Nextflow
# trace summarised per stage: tasks, CPU s, CPU s per Mvoxel, max RSS, bytes read / written, and the disk of the
# work folder + outdir. Prints figures; asserts nothing.
#   benchmarks/pipeline.sh                       SIZES="512,512,256 1024,1024,256" (67 M and 268 M voxels)
#   SIZES=256,256,128 DESIGNS=new benchmarks/pipeline.sh     a quick look at the current design alone
#   PARAMS="--t_high 0.99 --t_low 0.01 --t_dust 100"        extra pipeline parameters (here: the thresholds the old design ran with)
#   NEW_PARAMS="--pyramid false --meshes false"              parameters for the current design alone (default: these, so both
#                                                            designs run the same DAG: the old one had no pyramids or meshes)
# Options as the issue measured: --chunk 256,256,64 (CHUNK), default watershed chunks and thresholds, 2 cores.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="${SIZES:-512,512,256 1024,1024,256}"
designs="${DESIGNS:-old new}"
baseline="${BASELINE:-e2abcc0}"
chunk="${CHUNK:-256,256,64}"
work="${WORK:-/tmp/basin-pipeline-bench}"
mkdir -p "$work"
py=/usr/bin/python3

checkout() { # design -> a folder holding that design's pipeline, its jar built
  local d="$1"
  if [[ "$d" == new ]]; then echo "$root"; return; fi
  local dir="$work/design-$baseline"
  if [[ ! -d "$dir" ]]; then
    git -C "$root" worktree add --detach "$dir" "$baseline" > /dev/null 2>&1 || git -C "$root" archive "$baseline" | (mkdir -p "$dir" && tar -x -C "$dir")
  fi
  [[ -f "$dir/java-tools/target/basin.jar" ]] || mvn -q -o -f "$dir/java-tools/pom.xml" package -DskipTests > /dev/null
  echo "$dir"
}

cat > "$work/trace.config" <<'EOF'
trace {
    enabled   = true
    overwrite = true
    raw       = true
    fields    = 'process,name,status,realtime,%cpu,peak_rss,rchar,wchar'
}
EOF

for size in $sizes; do
  tag="${size//,/x}"
  raw="$work/raw-$tag.h5"; truth="$work/truth-$tag.h5"
  [[ -f "$raw" ]] || "$root/bin/basin" phantom --shape "$size" --seed 7 --cell-size 24 --output "$raw" --truth "$truth" > "$work/phantom-$tag.log" 2>&1 || { echo "phantom $size failed: $work/phantom-$tag.log" >&2; exit 1; }
  for d in $designs; do
    dir=$(checkout "$d")
    run="$work/run-$d-$tag"
    rm -rf "$run"; mkdir -p "$run"
    start=$(date +%s)
    (cd "$run" && "$dir/nextflow" -log "$run/nextflow.log" run "$dir" -c "$work/trace.config" -with-trace "$run/trace.txt" \
      --input "$raw" --dataset raw --truth "$truth" --truth_dataset truth --chunk "$chunk" --window 90,170 \
      --max_cpus 2 --max_memory 12.GB ${PARAMS:-} $([[ "$d" == new ]] && echo "${NEW_PARAMS---pyramid false --meshes false}") --outdir "$run/results" -ansi-log false > "$run/stdout" 2>&1) || { echo "$d $tag failed: $run/stdout" >&2; tail -20 "$run/stdout" >&2; continue; }
    wall=$(( $(date +%s) - start ))
    disk_work=$(du -sb "$run/work" | cut -f1); disk_out=$(du -sb "$run/results" | cut -f1)
    echo "$d $tag wall=$wall disk_work=$disk_work disk_out=$disk_out" >> "$work/summary.txt"
    "$py" - "$run/trace.txt" "$d" "$size" "$wall" "$disk_work" "$disk_out" "$(stat -c %s "$raw")" <<'EOF'
import sys, csv, collections
trace, design, size, wall, dwork, dout, rawbytes = sys.argv[1:8]
x, y, z = map(int, size.split(','))
mvox = x * y * z / 1e6
stages = collections.OrderedDict()
for r in csv.DictReader(open(trace), delimiter='\t'):
    if r['status'] not in ('COMPLETED', 'CACHED'):
        continue
    p = r['process'].split(':')[-1]
    s = stages.setdefault(p, dict(tasks=0, cpu=0.0, rss=0, read=0, written=0))
    s['tasks'] += 1
    s['cpu'] += int(r['realtime']) / 1000 * float(r['%cpu'] or 0) / 100
    s['rss'] = max(s['rss'], int(r['peak_rss'] or 0))
    s['read'] += int(r['rchar'] or 0)
    s['written'] += int(r['wchar'] or 0)
total = sum(s['cpu'] for s in stages.values())
print(f"\n== {design} design, {size} (x,y,z) = {mvox:.0f} Mvoxel: wall {wall} s, task CPU {total:.0f} s ({total / mvox:.3f} s/Mvoxel), "
      f"disk: work {int(dwork) / 1e9:.2f} GB + outdir {int(dout) / 1e9:.2f} GB = {(int(dwork) + int(dout)) / (x * y * z):.1f} B/voxel")
print(f"{'stage':<18}{'tasks':>6}{'CPU s':>9}{'s/Mvox':>9}{'max RSS MB':>12}{'read GB':>9}{'written GB':>11}")
for p, s in stages.items():
    print(f"{p:<18}{s['tasks']:>6}{s['cpu']:>9.1f}{s['cpu'] / mvox:>9.3f}{s['rss'] / 2**20:>12.0f}{s['read'] / 1e9:>9.2f}{s['written'] / 1e9:>11.2f}")
# one task per volume whatever its size: the current design's per-block stages are left out even when a small
# volume gives them one block (FINGERPRINT at 67 M)
per_block = {'FINGERPRINT', 'INFER', 'WATERSHED', 'RELABEL', 'EVALUATE_BLOCK', 'OMNIFY_CHOP', 'OMNI_PROJECT', 'PYRAMID', 'MESH'} if design == 'new' else set()
one = [p for p, s in stages.items() if s['tasks'] == 1 and p not in per_block and p != 'PHANTOM']
share = sum(stages[p]['cpu'] for p in one) / total if total else 0
print(f"one-per-volume stages {one}: {100 * share:.1f}% of task CPU")
EOF
  done
done
