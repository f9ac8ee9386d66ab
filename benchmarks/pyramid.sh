#!/usr/bin/env bash
# Pyramid benchmark (issue 18, item 6): Mvoxel/s per core of `basin pyramid` for
#   raw           uint8 mean     the 268 Mvoxel phantom raw (1024x1024x256, HDF5) published as raw.zarr
#   segmentation  uint64 mode    its truth (uint32) published as a uint64 segmentation store (zlib, the pipeline's
#                                zarr2 label default), the stand-in for a real segmentation
#   affinities    float32 mean   (3, z, y, x) affinities of the phantom (intensity backend), zstd:1 as INFER writes them
# Each type has two rows: "+ level 0" (the store's level 0 written from the input, then its levels: what the
# pipeline's raw pyramid costs) and "levels" (levels 1.. from the store's level 0: what the affinities' and the
# segmentation's pyramids cost in the pipeline). Mvoxel/s per core = level-0 voxels / CPU seconds (user + sys of the
# one process; the work is single-threaded). 64^3 store chunks, --block 256,256,256 (the default).
#   benchmarks/pyramid.sh                     all three (several minutes on a loaded 2-core machine)
#   ONLY=raw|segmentation|affinities benchmarks/pyramid.sh
#   RAW=... TRUTH=... AFF_RAW=...             other inputs (AFF_RAW: the raw the affinities are inferred from;
#                                             default the 512x512x256 phantom, to keep the set-up short)
#   SEG_COMPRESSION=zstd:1                    the segmentation store's codec (default zlib, the pipeline's zarr2 label default)
#   JFR=1                                     also record a JFR profile per row into $WORK (BASIN_JAVA_OPTS)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
basin="$root/bin/basin"
bench=/tmp/basin-pipeline-bench
raw="${RAW:-$bench/raw-1024x1024x256.h5}"
truth="${TRUTH:-$bench/truth-1024x1024x256.h5}"
affRaw="${AFF_RAW:-$bench/raw-512x512x256.h5}"
only="${ONLY:-}"
[[ -f "${BASIN_JAR:-$root/java-tools/target/basin.jar}" ]] || mvn -q -f "$root/java-tools/pom.xml" package -DskipTests
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time; Debian package 'time')" >&2; exit 2; }
work="${WORK:-$(mktemp -d)}"; [[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
export BASIN_MEMORY="${BASIN_MEMORY:-4g}"

voxels() { "$basin" info --json "$1" ${2:+--dataset "$2"} | python3 -c 'import json,sys; i=json.load(sys.stdin); s=i["array_shape"][-3:]; print(s[0]*s[1]*s[2])'; }
printf 'basin pyramid benchmark, BASIN_MEMORY=%s, load average %s\n' "$BASIN_MEMORY" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-40s %10s %8s %8s %12s %8s\n' row Mvoxels wall_s cpu_s Mvox/s/core rss_MB
timed() { # label voxels command...: one row
  local label="$1" n="$2"; shift 2
  local jfr=()
  [[ -n "${JFR:-}" ]] && jfr=("-XX:StartFlightRecording=filename=$work/$(echo "$label" | tr -c 'A-Za-z0-9\n' '_').jfr,settings=profile")
  BASIN_JAVA_OPTS="${jfr[*]:-}" /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" > "$work/out" 2> "$work/log" || { cat "$work/log" >&2; exit 1; }
  read -r wall user sys rss < "$work/t"
  awk -v l="$label" -v n="$n" -v w="$wall" -v c="$(echo "$user + $sys" | bc)" -v r="$rss" \
    'BEGIN { printf "%-40s %10.1f %8.2f %8.2f %12.1f %8.0f\n", l, n / 1e6, w, c, n / c / 1e6, r / 1024 }'
}

if [[ -z "$only" || "$only" == raw ]]; then
  n=$(voxels "$raw" raw)
  rm -rf "$work/raw.zarr"
  timed "raw uint8 mean + level 0 (HDF5 in)" "$n" "$basin" pyramid --input "$raw" --dataset raw --store "$work/raw.zarr"
  timed "raw uint8 mean, levels" "$n" "$basin" pyramid --store "$work/raw.zarr"
fi
if [[ -z "$only" || "$only" == segmentation ]]; then
  n=$(voxels "$truth" truth)
  rm -rf "$work/seg.zarr"
  timed "segmentation uint64 mode + level 0" "$n" "$basin" pyramid --input "$truth" --dataset truth --dtype uint64 --compression "${SEG_COMPRESSION:-zlib}" \
    --store "$work/seg.zarr"
  timed "segmentation uint64 mode, levels" "$n" "$basin" pyramid --store "$work/seg.zarr"
fi
if [[ -z "$only" || "$only" == affinities ]]; then
  [[ -f "$work/aff.h5" ]] || "$basin" infer --input "$affRaw" --dataset raw --output "$work/aff.h5" --window 90,170 --overwrite 2> "$work/log" \
    || { cat "$work/log" >&2; exit 1; }
  n=$(voxels "$work/aff.h5" affinities)
  rm -rf "$work/aff.zarr"
  timed "affinities float32 mean + level 0" "$n" "$basin" pyramid --input "$work/aff.h5" --dataset affinities --store "$work/aff.zarr"
  timed "affinities float32 mean, levels" "$n" "$basin" pyramid --store "$work/aff.zarr"
fi
