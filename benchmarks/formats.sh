#!/usr/bin/env bash
# Store-format benchmark (issue 17): MB/s written and read (uncompressed bytes) through Zarr v2 zlib / blosc-lz4 /
# blosc-zstd and N5 gzip / raw, on a 256^3 uint8 and a 3 x 256^3 float32 volume, 64^3 chunks, reads in 128^3 regions.
#   benchmarks/formats.sh [edge, default 256]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pom="$root/java-tools/pom.xml"
mvn -q -o -f "$pom" test-compile 2>/dev/null || mvn -q -f "$pom" test-compile
cp="$(mktemp)"; trap 'rm -f "$cp"' EXIT
mvn -q -o -f "$pom" dependency:build-classpath -Dmdep.outputFile="$cp" >/dev/null
java -Xmx3g -cp "$root/java-tools/target/test-classes:$root/java-tools/target/classes:$(cat "$cp")" org.basin.io.FormatBenchmark "${1:-256}"
