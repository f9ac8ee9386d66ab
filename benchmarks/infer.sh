#!/usr/bin/env bash
# Inference benchmark (issue: ONNX inference). Runs `basin infer --backend onnx` with the small 3D U-Net made by
# java-tools/src/test/resources/models/make_models.py over a 128^3 phantom chunk and prints where the time goes:
# inside ONNX Runtime vs. patching/blending, reading, writing, model load and JVM start.
#   benchmarks/infer.sh [runs] [extra basin infer options, e.g. --device cuda --batch 4]
# Environment: THREADS (default 2), SHAPE (x,y,z; default 128,128,128), MODEL (default the test U-Net).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"; shift || true
threads="${THREADS:-2}"
shape="${SHAPE:-128,128,128}"
model="${MODEL:-$root/java-tools/src/test/resources/models/unet.onnx}"
[[ -f "${BASIN_JAR:-$root/java-tools/target/basin.jar}" ]] || mvn -q -f "$root/java-tools/pom.xml" package -DskipTests
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
"$root/bin/basin" phantom --shape "$shape" --output "$work/raw.h5" 2>/dev/null
timer=(); [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f 'rss_kb %M')
voxels=$(( $(echo "$shape" | tr ',' '*') ))
printf 'basin infer, %s voxels (x,y,z), model %s, %s threads %s\n' "$shape" "$(basename "$model")" "$threads" "$*"
printf '%-4s %8s %9s %8s %9s %7s %7s %9s %9s %9s %9s\n' run wall_s Mvox/s model_s window_s read_s write_s load_s jvm_etc_s outside_% rss_MB
for i in $(seq 1 "$runs"); do
  t0=$(date +%s.%N)
  "${timer[@]}" "$root/bin/basin" infer --input "$work/raw.h5" --backend onnx --model "$model" --threads "$threads" \
      --output "$work/aff.h5" --overwrite "$@" 2> "$work/log" || { cat "$work/log"; exit 1; }
  t1=$(date +%s.%N)
  num() { grep -oP "$1" "$work/log" | head -1; }
  win=$(num '[0-9.]+(?=s, [0-9.]+s in the model)'); inmodel=$(num '[0-9.]+(?=s in the model)')
  load=$(num '(?<=shape check )[0-9.]+'); rd=$(num '(?<=read )[0-9.]+'); cmp=$(num '(?<=compute )[0-9.]+')
  wr=$(num '(?<=write )[0-9.]+'); rss=$(num '(?<=rss_kb )[0-9]+' || true)
  awk -v run="$i" -v wall="$(echo "$t1 - $t0" | bc)" -v vox="$voxels" -v win="$win" -v model="$inmodel" -v load="$load" \
      -v rd="$rd" -v cmp="$cmp" -v wr="$wr" -v rss="$rss" 'BEGIN {
    window = cmp - model; other = wall - cmp - rd - wr - load
    printf "%-4s %8.2f %9.2f %8.2f %9.2f %7.2f %7.2f %9.2f %9.2f %9.1f %9s\n", run, wall, vox / wall / 1e6, model, window, rd, wr, load,
           other, 100 * (wall - model) / wall, rss ? sprintf("%.0f", rss / 1024) : "n/a"
    printf "     patching + blending + read + write: %.1f%% of the in-process work (model + them)\n", 100 * (window + rd + wr) / (cmp + rd + wr) }'
done
