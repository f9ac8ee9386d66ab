package org.basin.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * Region-read speed of precomputed volumes next to today's Zarr v2 zlib path, 256^3 voxels in 64^3 chunks: raw uint8
 * unsharded and sharded, compressed_segmentation uint64, against Zarr zlib arrays of the same voxels. Not a unit test
 * (it takes ~1 minute): run with
 * {@code mvn -o -q test-compile && java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.basin.io.PrecomputedReadBenchmark}
 * after {@code mvn -o -q dependency:build-classpath -Dmdep.outputFile=target/cp.txt}. Needs /usr/bin/python3 with numpy
 * (make_fixtures.py --bench writes the volumes).
 */
public final class PrecomputedReadBenchmark {
    private PrecomputedReadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path tmp = Files.createTempDirectory("precomputed-bench");
        try {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("/usr/bin/python3", PrecomputedVolumeTest.fixtures().resolve("make_fixtures.py").toString(), "--bench",
                    tmp.toString()).inheritIO().start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("make_fixtures.py --bench failed");
            }
            System.out.printf("volumes written by make_fixtures.py in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Block img;
            Block seg;
            try (VolumeReader r = Volumes.open(tmp.resolve("bench_raw_uint8"), null)) {
                img = r.readAll();
            }
            try (VolumeReader r = Volumes.open(tmp.resolve("bench_cseg_uint64"), null)) {
                seg = r.readAll();
            }
            int[] shape = {256, 256, 256};
            int[] chunks = {64, 64, 64};
            ZarrArray zi = ZarrArray.create(tmp.resolve("img.zarr"), img.dtype(), 0, shape, chunks, ZarrCodec.parse("zlib"), ".", Map.of());
            zi.write(img);
            ZarrArray zs = ZarrArray.create(tmp.resolve("seg.zarr"), seg.dtype(), 0, shape, chunks, ZarrCodec.parse("zlib"), ".", Map.of());
            zs.write(seg);

            System.out.printf("%-44s %10s %10s %12s%n", "format (256^3, 64^3 chunks)", "read MB/s", "region MB/s", "stored MB");
            row("Zarr v2 zlib, uint8", tmp.resolve("img.zarr"), img);
            row("precomputed raw, uint8", tmp.resolve("bench_raw_uint8"), img);
            row("precomputed raw sharded, uint8", tmp.resolve("bench_raw_uint8_sharded"), img);
            row("Zarr v2 zlib, uint64", tmp.resolve("seg.zarr"), seg);
            row("precomputed compressed_segmentation, uint64", tmp.resolve("bench_cseg_uint64"), seg);
        } finally {
            try (Stream<Path> s = Files.walk(tmp)) {
                for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(q);
                }
            }
        }
    }

    /**
     * Best of 3 whole-volume reads, and best of 3 passes of 24 unaligned 100^3 region reads; MB/s of voxels
     * returned. Every read is checked against the expected voxels.
     */
    private static void row(String name, Path path, Block expected) throws Exception {
        byte[] want = ByteCodec.encode(expected.data(), expected.dtype());
        double whole = 0;
        double region = 0;
        Random rnd = new Random(3);
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int[] lo = {rnd.nextInt(156), rnd.nextInt(156), rnd.nextInt(156)};
            boxes.add(Box.of(lo, new int[] {100, 100, 100}));
        }
        for (int rep = 0; rep < 4; rep++) { // the first pass warms the JIT and the page cache
            try (VolumeReader r = Volumes.open(path, null)) {
                long t = System.nanoTime();
                Block all = r.readAll();
                double s = (System.nanoTime() - t) / 1e9;
                if (!java.util.Arrays.equals(want, ByteCodec.encode(all.data(), all.dtype()))) {
                    throw new AssertionError(name + ": voxels differ");
                }
                whole = rep == 0 ? 0 : Math.max(whole, want.length / 1e6 / s);
                long bytes = 0;
                t = System.nanoTime();
                for (Box b : boxes) {
                    Block got = r.read(b);
                    bytes += (long) got.length() * got.dtype().bytes();
                }
                s = (System.nanoTime() - t) / 1e9;
                Block check = r.read(boxes.get(rep));
                if (!java.util.Arrays.equals(ByteCodec.encode(expected.crop(boxes.get(rep)).data(), expected.dtype()),
                        ByteCodec.encode(check.data(), check.dtype()))) {
                    throw new AssertionError(name + ": region voxels differ");
                }
                region = rep == 0 ? 0 : Math.max(region, bytes / 1e6 / s);
            }
        }
        long stored;
        try (Stream<Path> s = Files.walk(path)) {
            stored = s.filter(Files::isRegularFile).mapToLong(q -> q.toFile().length()).sum();
        }
        System.out.printf("%-44s %10.0f %10.0f %12.1f%n", name, whole, region, stored / 1e6);
    }
}
