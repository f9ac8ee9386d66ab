#!/usr/bin/env bash
# Mean-affinity agglomeration, basin against waterz on the same region graph (issue 19, item 8).
#   WATERZ_SRC=/path/to/waterz-checkout benchmarks/agglomerate-vs-waterz.sh     (SIZE=256 default, RUNS=3)
# Fetches nothing: give it a checkout of https://github.com/funkey/waterz (only its C++ headers under
# waterz/backend are used, not its Cython/Python build) and have the Boost headers (Debian: libboost-dev) and g++.
# The graph is org.basin.quality.AgglomerationSpeed's: a SIZE^3 noisy phantom, intensity affinities, whole-volume
# watershed with T_high 0.999, T_low -1, T_size 0. benchmarks/waterz/BasinSide.java (run against basin.jar) builds it,
# writes the affinities and supervoxels as raw files, and times basin's MeanAffinity.run to the end in process
# (2 warm-up runs, then RUNS). benchmarks/waterz/driver.cpp reads the same files, builds waterz's region graph and
# mean-affinity statistics as waterz's initialize() does with fragments given, and times only mergeUntil
# (threshold 2: past every OneMinus<MeanAffinity> score, so to the end; default PriorityQueue). Both use channel c
# = the edge between voxel v and v - e_c (z, y, x), so the raw file is the same for both. The edge counts printed
# must agree (waterz's RAG against basin's region graph); figures are medians of RUNS.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
: "${WATERZ_SRC:?set WATERZ_SRC to a waterz checkout (github.com/funkey/waterz)}"
[[ -f "$WATERZ_SRC/waterz/backend/IterativeRegionMerging.hpp" ]] || { echo "no waterz/backend in $WATERZ_SRC" >&2; exit 2; }
[[ -d /usr/include/boost ]] || { echo "needs the Boost headers (Debian: apt-get install libboost-dev)" >&2; exit 2; }
size="${SIZE:-256}"; runs="${RUNS:-3}"
jar="${BASIN_JAR:-$root/java-tools/target/basin.jar}"
[[ -f "$jar" ]] || mvn -q -f "$root/java-tools/pom.xml" package -DskipTests
work="${WORK:-$(mktemp -d)}"; [[ -n "${WORK:-}" ]] || trap 'rm -rf "$work"' EXIT
if [[ -d "$WATERZ_SRC/.git" ]]; then wz_commit=$(git -C "$WATERZ_SRC" rev-parse HEAD); else wz_commit="${WATERZ_COMMIT:-unknown}"; fi
g++ -O3 -std=c++11 -I"$WATERZ_SRC/waterz/backend" "$root/benchmarks/waterz/driver.cpp" -o "$work/driver"
java -Xmx${JAVA_HEAP:-8g} -cp "$jar" "$root/benchmarks/waterz/BasinSide.java" "$size" "$work" "$runs" | tee "$work/basin.txt"
"$work/driver" "$work/aff.f32" "$work/frag.u64" "$size" "$size" "$size" 2.0 "$runs" | tee "$work/waterz.txt"
med() { grep "^$1 " "$work/$1.txt" | grep -oP "(?<= $2 )[0-9.]+" | sort -n | sed -n "$(( (runs + 1) / 2 ))p"; }
be=$(med basin edges); we=$(med waterz edges)
echo
echo "waterz commit $wz_commit; ${size}^3 phantom supervoxel graph, median of $runs runs"
printf '%-8s %9s %9s %9s %9s %15s %12s\n' tool nodes edges merges build_s agglomerate_s edges/s
printf '%-8s %9s %9s %9s %9s %15s %12s\n' basin "$(med basin segments)" "$be" "$(med basin merges)" - "$(med basin agglomerate_s)" "$(med basin edges_per_s)"
printf '%-8s %9s %9s %9s %9s %15s %12s\n' waterz "$(grep -oP '(?<=nodes )[0-9]+' "$work/waterz.txt" | head -1)" "$we" "$(med waterz merges)" \
  "$(med waterz build_s)" "$(med waterz agglomerate_s)" "$(med waterz edges_per_s)"
echo "basin bytes allocated per region-graph edge during agglomeration: $(med basin alloc_bytes_per_edge) (README's accounting: ~85 in memory besides the graph)"
[[ "$be" == "$we" ]] || { echo "edge counts differ: not the same graph" >&2; exit 1; }
