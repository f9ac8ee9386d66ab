#!/usr/bin/env bash
# Object-storage benchmark (issue 16). Starts s3proxy (the test suite's S3 server, filesystem backend) on
# 127.0.0.1, then runs the pipeline's voxel stages through `basin` directly (not Nextflow) on a SHAPE phantom
# (default 256,256,64 = 4.2 Mvoxel), once with every volume in a local folder and once with every volume in
# s3://: per stage wall time, Mvoxel/s, and the S3 requests and bytes per Mvoxel (each command logs its own).
# Then the cost drivers for the 268 Mvoxel phantom (1024x1024x256) with the recommended chunks
# (--chunk 256,256,64 --halo 8,8,4, watershed chunks 128,128,64 in blocks of 16): requests and bytes per stage,
# computed from `basin plan` of that volume's header (no voxels) and the bytes per voxel measured here.
# Prints figures, asserts nothing. Under 2 minutes on 2 busy cores.
#   benchmarks/s3.sh            (SHAPE=128,128,64 for a quick look)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shape="${SHAPE:-256,256,64}"
basin="$root/bin/basin"
[[ -f "$root/java-tools/target/basin.jar" ]] || mvn -q -f "$root/java-tools/pom.xml" package -DskipTests
work="${WORK:-$(mktemp -d)}"; [[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"; [[ -n "${proxy:-}" ]] && kill "$proxy" 2>/dev/null' EXIT
mkdir -p "$work"
mvn -o -q -f "$root/java-tools/pom.xml" dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" > /dev/null
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/server/bench"   # the filesystem backend's bucket "bench"
cat > "$work/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench-access
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/server
EOF
java -cp "$(cat "$work/cp.txt")" org.gaul.s3proxy.Main --properties "$work/s3proxy.properties" > "$work/s3proxy.log" 2>&1 &
proxy=$!
trap 'kill "$proxy" 2>/dev/null; [[ -n "${WORK:-}" ]] || rm -rf "$work"' EXIT
for _ in $(seq 100); do (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.2; done
export AWS_ACCESS_KEY_ID=bench-access AWS_SECRET_ACCESS_KEY=bench-secret BASIN_MEMORY="${BASIN_MEMORY:-2g}"
s3opts=(--s3-endpoint "http://127.0.0.1:$port" --s3-path-style)

IFS=, read -r sx sy sz <<< "$shape"
cx=$(( sx / 2 )); cy=$(( sy / 2 )); cz=$(( sz / 2 ))
chunk="$cx,$cy,$cz"
"$basin" phantom --shape "$shape" --seed 7 --output "$work/raw.zarr" --truth "$work/truth.h5" > /dev/null 2>&1
"$basin" plan --input "$work/raw.zarr" --chunk "$chunk" --halo 4,4,4 --ws-chunk "$chunk" --ws-batch 8 --divs 1,1,1 \
  --omni-overlap 4,4,4 --out-dir "$work/plan" > /dev/null 2>&1
block=$(sed -n 2p "$work/plan/watershed.tsv" | cut -f2); name=$(sed -n 2p "$work/plan/watershed.tsv" | cut -f1)

: > "$work/rows"
stage() { # backend, stage name, command...: one row "backend stage wall GET bytes_in PUT bytes_out LIST"
  local backend=$1 label=$2; shift 2
  local t0 t1; t0=$(date +%s.%N)
  "$@" > /dev/null 2> "$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$(date +%s.%N)
  local c; c=$(sed -n 's/.*s3: \([0-9]*\) GET (\([0-9]*\) bytes), \([0-9]*\) PUT (\([0-9]*\) bytes), \([0-9]*\) LIST.*/\1 \2 \3 \4 \5/p' "$work/err" | tail -1)
  echo "$backend $label $(python3 -c "print(round($t1 - $t0, 3))") ${c:-0 0 0 0 0}" >> "$work/rows"
}
for backend in local s3; do
  if [[ $backend == s3 ]]; then at="s3://bench/run"; opts=("${s3opts[@]}"); else at="$work/$backend"; opts=(); mkdir -p "$at"; fi
  out="$work/$backend-files"; mkdir -p "$out"
  # the raw store: copied into place (for S3, into the server's bucket folder, where its filesystem backend serves it)
  if [[ $backend == s3 ]]; then mkdir -p "$work/server/bench/run"; cp -r "$work/raw.zarr" "$work/server/bench/run/"; else cp -r "$work/raw.zarr" "$at/"; fi
  stage "$backend" FINGERPRINT "$basin" fingerprint --input "$at/raw.zarr" --chunk "$chunk" --halo 4,4,4 --grid-block 0,0,0,1,1,1 \
    --output "$out/fp.tsv" "${opts[@]}"
  stage "$backend" INFER "$basin" infer --input "$at/raw.zarr" --chunk "$chunk" --halo 4,4,4 --grid-block 0,0,0,1,1,1 --window 90,170 \
    --store "$at/affinities.zarr" --digest-output "$out/aff.tsv" "${opts[@]}"
  stage "$backend" WATERSHED "$basin" watershed --affinities "$at/affinities.zarr" --chunk "$chunk" --grid-block "$block" \
    --out-dir "$out/ws/$name" --digest-output "$out/ws.tsv" "${opts[@]}"
  printf 'name\tpath\tdigest\n%s\t%s\tx\n' "$name" "$out/ws/$name" > "$out/blocks.tsv"
  "$basin" stitch --list "$out/blocks.tsv" --id-tables "$out/ids" --tree "$out/tree.h5" --digest-output "$out/ids.tsv" > /dev/null 2>&1
  # as the pipeline with its default --fill 4: RELABEL writes the unfilled store, FILL the final one from it and the affinities
  stage "$backend" RELABEL "$basin" relabel --watershed "$out/ws/$name" --id-table "$out/ids/$name.ids.h5" --segmentation "$at/segmentation-unfilled.zarr" \
    --digest-output "$out/seg.tsv" "${opts[@]}"
  stage "$backend" FILL "$basin" fill --segmentation "$at/segmentation-unfilled.zarr" --affinities "$at/affinities.zarr" --output "$at/segmentation.zarr" \
    --chunk "$chunk" --grid-block "$block" --distance 4 --digest-output "$out/fill.tsv" "${opts[@]}"
  stage "$backend" EVALUATE_BLOCK "$basin" evaluate --segmentation "$at/segmentation.zarr" --truth "$work/truth.h5" --chunk "$chunk" \
    --grid-block "$block" --partial "$out/part.h5" "${opts[@]}"
done
cmp "$work/local-files/aff.tsv" "$work/s3-files/aff.tsv" && cmp "$work/local-files/seg.tsv" "$work/s3-files/seg.tsv" \
  && cmp "$work/local-files/fill.tsv" "$work/s3-files/fill.tsv" \
  && echo "(the affinity and segmentation chunks written to S3 have the local run's digests)"

# bytes per voxel of each store, from the server's own files, for the 268 Mvoxel projection
aff_bpv=$(du -sb --apparent-size "$work/server/bench/run/affinities.zarr" | cut -f1)
seg_bpv=$(du -sb --apparent-size "$work/server/bench/run/segmentation.zarr" | cut -f1)
raw_bpv=$(du -sb --apparent-size "$work/server/bench/run/raw.zarr" | cut -f1)

# the 268 Mvoxel plan: a header (and one chunk, so the plan accepts it) is all it reads
mkdir -p "$work/big.zarr"
python3 - "$work/big.zarr" <<'EOF'
import json, sys, zlib
d = sys.argv[1]
json.dump({"zarr_format": 2, "shape": [256, 1024, 1024], "chunks": [64, 64, 64], "dtype": "|u1", "compressor": {"id": "zlib", "level": 1},
           "fill_value": 0, "order": "C", "filters": None, "dimension_separator": "/"}, open(d + "/.zarray", "w"))
import os
os.makedirs(d + "/0/0", exist_ok=True)
open(d + "/0/0/0", "wb").write(zlib.compress(bytes(64 ** 3), 1))
EOF
"$basin" plan --input "$work/big.zarr" --chunk 256,256,64 --halo 8,8,4 --ws-chunk 128,128,64 --ws-batch 16 --divs 4,4,1 \
  --omni-overlap 16,16,4 --out-dir "$work/bigplan" > /dev/null 2>&1

python3 - "$work" "$shape" "$aff_bpv" "$seg_bpv" "$raw_bpv" <<'EOF'
import csv, json, sys
work, shape = sys.argv[1], [int(v) for v in sys.argv[2].split(",")]
voxels = shape[0] * shape[1] * shape[2]
aff_b, seg_b, raw_b = (int(v) / voxels for v in sys.argv[3:6])
rows = [l.split() for l in open(work + "/rows")]
print(f"\nbasin on local files vs s3proxy on 127.0.0.1: phantom {shape[0]}x{shape[1]}x{shape[2]} ({voxels / 1e6:.1f} Mvoxel), one task per stage")
print(f"{'stage':<20} {'local s':>8} {'Mvox/s':>7} {'S3 s':>7} {'Mvox/s':>7} {'GET/Mvox':>9} {'MB in/Mvox':>10} {'PUT/Mvox':>9} {'MB out/Mvox':>11} {'LIST':>5}")
def num(x): return float(x)
label = lambda r: " ".join(r[1:-6])
local = {label(r): r for r in rows if r[0] == "local"}
s3 = {label(r): r for r in rows if r[0] == "s3"}
mv = voxels / 1e6
for k in local:
    l, s = local[k], s3[k]
    wl, ws = num(l[-6]), num(s[-6])
    g, bi, p, bo, li = (int(v) for v in s[-5:])
    print(f"{k:<20} {wl:8.2f} {mv / wl:7.2f} {ws:7.2f} {mv / ws:7.2f} {g / mv:9.1f} {bi / 1e6 / mv:10.2f} {p / mv:9.1f} {bo / 1e6 / mv:11.2f} {li:5d}")
print(f"(stored bytes per voxel: raw {raw_b:.2f}, affinities {aff_b:.2f}, segmentation {seg_b:.2f}; wall includes the JVM's start, ~0.5 s)")

# 268 Mvoxel: store chunks each task's box touches (GETs) and writes (PUTs), from the plan's boxes
plan = json.load(open(work + "/bigplan/plan.json"))
xyz = lambda s: [int(v) for v in s.split(",")]
vol = xyz(plan["volume_shape_xyz"]); store = xyz(plan["affinity_store_chunk_xyz"]); seg_store = xyz(plan["segmentation_store_chunk_xyz"])
ichunk, ihalo, wchunk = xyz(plan["infer_chunk_xyz"]), xyz(plan["infer_halo_xyz"]), xyz(plan["ws_chunk_xyz"])
raw_store = [64, 64, 64]
def touched(lo, hi, c):  # store chunks meeting [lo, hi) per axis, clipped to the volume
    n = 1
    for a in range(3):
        l, h = max(0, lo[a]), min(vol[a], hi[a])
        n *= (h - 1) // c[a] - l // c[a] + 1
    return n
def tsv(name): return list(csv.DictReader(open(f"{work}/bigplan/{name}.tsv"), delimiter="\t"))
def box(block, chunk, halo):
    b = xyz(block); lo = [b[a] * chunk[a] - halo[a] for a in range(3)]; hi = [(b[a + 3] + 1) * chunk[a] + halo[a] for a in range(3)]
    return lo, hi
cv = lambda c: c[0] * c[1] * c[2]
out = []
fp = [touched(*box(r["block"], ichunk, ihalo), raw_store) for r in tsv("fingerprint")]
out.append(("FINGERPRINT", len(fp), sum(fp), sum(fp) * cv(raw_store) * raw_b, 0, 0))
inf = [touched(*box(r["block"], ichunk, ihalo), raw_store) for r in tsv("infer")]
writes = sum(touched(*box(r["block"], ichunk, [0, 0, 0]), store) for r in tsv("infer"))  # a task's block of chunks, core only
out.append(("INFER", len(inf), sum(inf), sum(inf) * cv(raw_store) * raw_b, writes, writes * cv(store) * aff_b))
ws = [touched(*box(r["block"], wchunk, [2, 2, 2]), store) for r in tsv("watershed")]
out.append(("WATERSHED", len(ws), sum(ws), sum(ws) * cv(store) * aff_b, 0, 0))
segw = touched([0, 0, 0], vol, seg_store)
out.append(("RELABEL", len(ws), 0, 0, segw, segw * cv(seg_store) * seg_b))
# FILL (--fill 4): the affinity chunks and the unfilled segmentation chunks of its block and a halo of 4; writes what RELABEL writes
fa = [touched(*box(r["block"], wchunk, [4, 4, 4]), store) for r in tsv("watershed")]
fs = [touched(*box(r["block"], wchunk, [4, 4, 4]), seg_store) for r in tsv("watershed")]
out.append(("FILL", len(ws), sum(fa) + sum(fs), sum(fa) * cv(store) * aff_b + sum(fs) * cv(seg_store) * seg_b, segw, segw * cv(seg_store) * seg_b))
out.append(("EVALUATE_BLOCK", len(ws), segw, segw * cv(seg_store) * seg_b, 0, 0))
print(f"\n268 Mvoxel phantom ({vol[0]}x{vol[1]}x{vol[2]}), --chunk {plan['infer_chunk_xyz']} --halo {plan['infer_halo_xyz']}, watershed "
      f"{plan['ws_chunk_xyz']} x{plan['ws_chunks_per_task']}, store chunks {plan['affinity_store_chunk_xyz']} (raw input in 64^3 chunks):")
print(f"{'stage':<15} {'tasks':>6} {'GET':>7} {'GB in':>7} {'PUT':>6} {'GB out':>7} {'GET/chunk read':>15}")
tg = tp = 0
for name, tasks, g, bi, p, bo in out:
    tg += g; tp += p
    print(f"{name:<15} {tasks:6d} {g:7d} {bi / 1e9:7.2f} {p:6d} {bo / 1e9:7.2f} {'1 (whole object)':>15}")
print(f"{'total':<15} {'':>6} {tg:7d} {'':>7} {tp:6d}")
print(f"(objects: affinity chunk {cv(store) * aff_b / 1e6:.2f} MB, segmentation chunk {cv(seg_store) * seg_b / 1e6:.2f} MB, raw chunk "
      f"{cv(raw_store) * raw_b / 1e6:.2f} MB; metadata reads add ~4 GETs per task; at AWS's list prices (us-east-1, "
      f"$0.005 per 1,000 PUT, $0.0004 per 1,000 GET) the run's requests cost ${tp * 0.005 / 1000 + tg * 0.0004 / 1000:.4f}; "
      f"transfer inside one region is free)")
EOF
