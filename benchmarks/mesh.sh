#!/usr/bin/env bash
# Meshing benchmark (issue 18, item 6). The 268 Mvoxel phantom's truth (uint32 labels, 0 on membranes) as a stand-in
# segmentation, written once to a uint64 OME-Zarr store (8 nm voxels, 64^3 zlib chunks, cached in $WORK); then one
# `basin mesh` process per MESH_BATCH blocks as the pipeline's MESH tasks run them (blocks of the watershed's 2^24 voxels: 2x2x4
# chunks of 128,128,64, 16 blocks), and the manifest step. Prints per block and in all: CPU seconds (user + sys, JVM
# start included) and Mvoxel/s per core, with and without simplification, and the triangle counts.
#   benchmarks/mesh.sh                     all 16 blocks
#   BLOCKS=4 benchmarks/mesh.sh            the first 4 blocks only (the totals are then projected x 16 / 4)
#   MAX_ERROR=8 benchmarks/mesh.sh         the simplification bound in nm (default: the voxel size, 8)
#   MESH_BATCH=1 benchmarks/mesh.sh        blocks per `basin mesh` process (default 4, the pipeline's --mesh_batch)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
truth="${TRUTH:-/tmp/basin-pipeline-bench/truth-1024x1024x256.h5}"
work="${WORK:-/tmp/basin-mesh-bench}"
blocks_wanted="${BLOCKS:-16}"
batch="${MESH_BATCH:-4}" # blocks per process, as the pipeline's default --mesh_batch
basin="$root/bin/basin"
[[ -f "$truth" ]] || { echo "no $truth: make it with basin phantom --shape 1024,1024,256 --truth ... (see benchmarks/pipeline.sh)" >&2; exit 2; }
[[ -f "${BASIN_JAR:-$root/java-tools/target/basin.jar}" ]] || mvn -q -f "$root/java-tools/pom.xml" package -DskipTests
[[ -x /usr/bin/time ]] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }
export BASIN_MEMORY="${BASIN_MEMORY:-4g}"
export BASIN_JIT="${BASIN_JIT:-full}" # as the MESH module runs it
mkdir -p "$work"
# the grid of 128,128,64 chunks is 8 x 8 x 4 for 1024 x 1024 x 256; blocks of 2 x 2 x 4 chunks (2^24 voxels)
blocks=()
for by in 0 2 4 6; do for bx in 0 2 4 6; do blocks+=("$bx,$by,0,$((bx + 1)),$((by + 1)),3"); done; done
blocks=("${blocks[@]:0:$blocks_wanted}")
# the store holds the voxels the chosen blocks read (each block one voxel past its core), in whole 64^3 chunks; the
# chunks no block reads are left unwritten (the fill value) to save the conversion's time
last="${blocks[-1]}"; IFS=, read -r _ _ _ lx ly _ <<< "$last"
[[ "${#blocks[@]}" -gt 4 ]] && lx=7
need_x=$(( (lx + 1) * 128 + 64 )); need_y=$(( (ly + 1) * 128 + 64 ))
seg="$work/segmentation.zarr"
if [[ ! -f "$seg/0/.zarray" || "$(cat "$work/extent" 2>/dev/null)" != "$need_x,$need_y" ]]; then
  rm -rf "$seg"
  /usr/bin/python3 - "$truth" "$seg" "$need_x" "$need_y" <<'PY'
import sys, h5py, numpy as np, zarr, numcodecs
src, dst, nx, ny = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
d = h5py.File(src, 'r')['truth']
vs = [float(v) for v in d.attrs.get('voxel_size', [1, 1, 1])]  # z, y, x
g = zarr.open_group(dst, mode='w')
a = g.create_dataset('0', shape=d.shape, chunks=(64, 64, 64), dtype='uint64', compressor=numcodecs.Zlib(1), fill_value=0)
nx, ny = min(nx, d.shape[2]), min(ny, d.shape[1])
for z in range(0, d.shape[0], 64):
    a[z:z + 64, :ny, :nx] = d[z:z + 64, :ny, :nx].astype(np.uint64)
g.attrs['multiscales'] = [{'version': '0.4', 'axes': [{'name': n, 'type': 'space', 'unit': 'nanometer'} for n in 'zyx'],
                           'datasets': [{'path': '0', 'coordinateTransformations': [{'type': 'scale', 'scale': vs}]}]}]
PY
  echo "$need_x,$need_y" > "$work/extent"
fi
shape=$("$basin" info "$seg" 2>/dev/null | awk '/shape/ {print; exit}')
echo "segmentation: $seg ($shape), BASIN_MEMORY=$BASIN_MEMORY, BASIN_JIT=$BASIN_JIT"
block_voxels=$(( 256 * 256 * 256 ))
run() { # label, max error: meshes every block in its own process; prints per block and in all
  local label="$1" err="$2" cpu=0 tris0=0 tris=0 i=0
  rm -rf "$work/meshes-$label" "$work/lists-$label"; mkdir -p "$work/lists-$label"
  # one process per MESH_BATCH blocks, as the pipeline's MESH tasks (--mesh_batch) run them
  for (( j = 0; j < ${#blocks[@]}; j += batch )); do
    group=("${blocks[@]:j:batch}")
    /usr/bin/time -f "%U %S %e %M" -o "$work/t" "$basin" mesh --segmentation "$seg" --meshes "$work/meshes-$label" --chunk 128,128,64 \
      --grid-block "${group[@]}" --max-error "$err" --fragments-output "$work/lists-$label/$i.tsv" 2> "$work/log" || { cat "$work/log"; exit 1; }
    read -r u s w m < "$work/t"
    t0=$(grep 'triangles simplified' "$work/log" | sed -E 's/.* ([0-9]+) triangles simplified to ([0-9]+) .*/\1/' | paste -sd+ | bc)
    t1=$(grep 'triangles simplified' "$work/log" | sed -E 's/.* ([0-9]+) triangles simplified to ([0-9]+) .*/\2/' | paste -sd+ | bc)
    cpu=$(awk -v c="$cpu" -v u="$u" -v s="$s" 'BEGIN {print c + u + s}')
    tris0=$(( tris0 + t0 )); tris=$(( tris + t1 ))
    awk -v b="${group[*]}" -v k="${#group[@]}" -v u="$u" -v s="$s" -v w="$w" -v m="$m" -v n="$block_voxels" -v t0="$t0" -v t1="$t1" -v l="$label" \
      'BEGIN {printf "  %-8s %d block(s) %-30s cpu %6.2f s  wall %6.2f s  %5.2f Mvoxel/s per core  rss %5.0f MB  triangles %9d -> %8d\n", l, k, b, u + s, w, k * n / (u + s) / 1e6, m / 1024, t0, t1}'
    i=$(( i + 1 ))
  done
  /usr/bin/time -f "%U %S %e %M" -o "$work/t" "$basin" mesh --manifests --fragment-lists "$work/lists-$label" --meshes "$work/meshes-$label" 2> "$work/log" \
    || { cat "$work/log"; exit 1; }
  read -r u s w m < "$work/t"
  awk -v c="$cpu" -v mu="$u" -v ms="$s" -v k="${#blocks[@]}" -v n="$block_voxels" -v t0="$tris0" -v t1="$tris" -v l="$label" \
    'BEGIN {printf "%-8s %d blocks (%d Mvoxel): MESH cpu %.1f s, %.2f Mvoxel/s per core; MESH_MANIFEST cpu %.2f s; triangles %d -> %d (%.1fx); projected to 16 blocks: %.0f s of MESH cpu\n",
            l, k, k * n / 1e6, c, k * n / c / 1e6, mu + ms, t0, t1, t0 / (t1 > 0 ? t1 : 1), c * 16 / k}'
}
run plain 0
run simpl "${MAX_ERROR:-8}"
echo "watershed stage on the same volume (README, Scale, measured quiet): 61.1 s of task CPU in 16 tasks"
