#!/usr/bin/env bash
# Watershed benchmark (issue: exact, fast watershed). On a SIZE^3 float32 affinity volume made from a phantom
# (intensity backend), single-threaded, prints wall time, CPU time, Mvoxel/s, peak RSS and bytes per voxel for:
#   (a) the algorithm in memory, affinities to final labels (the compute time basin watershed reports),
#   (b) end to end through `basin watershed` on the whole volume, reading and writing its chunk files,
#   (c) the full WATERSHED + MERGE_SEGMENTS path: chop into 64^3 and 128^3 chunks (halo 2), one
#       `basin watershed` per batch of chunks, then `basin stitch`; a batch holds 2^24 voxels' worth of chunks as the
#       pipeline's default (--ws_batch_voxels: 64 chunks of 64^3, 8 of 128^3), or BATCH chunks when set;
#       CPU summed over every process (chop not counted).
# Each figure is the median of RUNS runs (default 3): this class of machine varies by 10-20% run to run.
#   benchmarks/watershed.sh            (SIZE=256 by default; SIZE=128 for a quick look)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size="${SIZE:-256}"
basin="$root/bin/basin"
[[ -f "${BASIN_JAR:-$root/java-tools/target/basin.jar}" ]] || mvn -q -f "$root/java-tools/pom.xml" package -DskipTests
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time; Debian package 'time')" >&2; exit 2; }
work="${WORK:-$(mktemp -d)}"; [[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
export BASIN_MEMORY="${BASIN_MEMORY:-12g}"
runs="${RUNS:-3}"
voxels=$(( size * size * size ))
timed() { # label, then the command; appends "wall user sys maxrss_kb" to $work/times
  /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" 2> "$work/log" || { cat "$work/log"; exit 1; }
  cat "$work/t" >> "$work/times"
}
"$basin" phantom --shape "$size,$size,$size" --seed 1 --output "$work/raw.h5" --overwrite > /dev/null 2>&1 || { echo "phantom failed" >&2; exit 1; }
"$basin" infer --input "$work/raw.h5" --output "$work/aff.h5" --window 90,170 --overwrite > /dev/null 2>&1 || { echo "infer failed" >&2; exit 1; }
printf 'basin watershed benchmark: %d^3 affinities (float32, %d MB), 1 thread per process, BASIN_MEMORY=%s\n' "$size" \
  $(( voxels * 12 / 1000000 )) "$BASIN_MEMORY"
printf '%-44s %8s %8s %9s %8s %10s\n' stage wall_s cpu_s Mvox/s rss_MB bytes/vox
row() { awk -v l="$1" -v w="$2" -v c="$3" -v r="$4" -v n="$voxels" \
  'BEGIN { printf "%-44s %8.2f %8.2f %9.2f %8.0f %10.1f\n", l, w, c, n / w / 1e6, r / 1024, r * 1024 / n }'; }

: > "$work/runs"
for r in $(seq "$runs"); do
  : > "$work/times"
  # every output is new, as in the pipeline (each task writes into its own work folder): replacing an existing
  # file costs ext4 an early flush of the new one (~40 ms for the 67 MB of labels here), not part of the tool
  rm -f "$work/ws.h5"
  timed "$basin" watershed --input "$work/aff.h5" --output "$work/ws.h5"
  echo "$(grep -oP 'in \K[0-9.]+(?=s \()' "$work/log") $(cat "$work/times")" >> "$work/runs"
done
# median run by compute time for (a), by wall time for (b)
read -r compute _ _ _ rss_a < <(sort -n -k1 "$work/runs" | sed -n "$(( (runs + 1) / 2 ))p")
read -r _ wall user sys rss < <(sort -n -k2 "$work/runs" | sed -n "$(( (runs + 1) / 2 ))p")
row "(a) in memory (compute only)" "$compute" "$compute" "$rss_a"
row "(b) basin watershed, whole volume" "$wall" "$(echo "$user + $sys" | bc)" "$rss"
cpu_b=$(echo "$user + $sys" | bc)

for c in 64 128; do
  rm -rf "$work/chunks$c"
  "$basin" chop --input "$work/aff.h5" --chunk "$c,$c,$c" --halo 2,2,2 --out-dir "$work/chunks$c" 2>/dev/null
  batch="${BATCH:-$(( 16777216 / (c * c * c) > 0 ? 16777216 / (c * c * c) : 1 ))}"
  ls "$work/chunks$c"/chunk_*.h5 | xargs -n "$batch" > "$work/batches"
  : > "$work/cruns"
  for r in $(seq "$runs"); do
    rm -rf "$work/ws$c"; mkdir -p "$work/ws$c"; : > "$work/times"
    while read -r files; do
      # shellcheck disable=SC2086 # one argument per chunk file
      timed "$basin" watershed --input $files --out-dir "$work/ws$c"
    done < "$work/batches"
    rm -rf "$work/seg$c.zarr" "$work/tree$c.h5"
    timed "$basin" stitch "$work/ws$c" --output "$work/seg$c.zarr" --tree "$work/tree$c.h5"
    # one line per run: total wall, total CPU, peak RSS, stitch wall, stitch CPU
    echo "$(awk '{ w += $1; c += $2 + $3; if ($4 > r) r = $4 } END { print w, c, r }' "$work/times") $(tail -1 "$work/times" | awk '{ print $1, $2 + $3 }')" >> "$work/cruns"
  done
  # the median run by total CPU, as (a) and (b)
  read -r wall cpu rss sw sc < <(sort -n -k2 "$work/cruns" | sed -n "$(( (runs + 1) / 2 ))p")
  n=$(ls "$work/chunks$c"/chunk_*.h5 | wc -l)
  row "(c) $n chunks of $c^3 ($(wc -l < "$work/batches") tasks) + stitch" "$wall" "$cpu" "$rss"
  printf '    of which stitch: %.2f s wall, %.2f s CPU\n' "$sw" "$sc"
  awk -v c="$cpu" -v b="$cpu_b" 'BEGIN { printf "    CPU %.2fx of (b)\n", c / b }'
done

# (d) issue 19: mean-affinity agglomeration of the last chunking's region graph (stitch --region-graph), all the
# way down to threshold 0.2; bytes an edge of region_graph.h5 and the agglomerate task's time and memory
"$basin" stitch "$work/ws$c" --output "$work/segr.zarr" --region-graph "$work/rg.h5" --overwrite > /dev/null 2>&1 || { echo "stitch --region-graph failed" >&2; exit 1; }
rm -rf "$work/agg"
/usr/bin/time -f '%e %U %S %M' -o "$work/aggtime" "$basin" agglomerate --region-graph "$work/rg.h5" --thresholds 0.2,0.4,0.6 --output "$work/agg" 2> "$work/agglog" \
  || { cat "$work/agglog" >&2; exit 1; }
edges=$(grep -oP '[0-9]+(?= region-graph edges)' "$work/agglog")
secs=$(grep -oP 'merges in \K[0-9.]+' "$work/agglog")
read -r aw au as arss < "$work/aggtime"
awk -v e="$edges" -v s="$secs" -v b="$(stat -c %s "$work/rg.h5")" -v w="$aw" -v r="$arss" 'BEGIN {
  printf "(d) agglomerate: %d region-graph edges, %.3f s in the algorithm (%.2f M edges/s), %.1f bytes an edge in region_graph.h5; task %.2f s wall, %.0f MB peak RSS\n", e, s, e / s / 1e6, b / e, w, r / 1024 }'
