package org.basin.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.basin.phantom.Phantom;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * Region write and read throughput (MB/s of voxels) of the store formats, on a 256^3 uint8 phantom and 3 x 256^3
 * float32 affinity-like values: writes as the pipeline's tasks make them (128^3 cores), reads of the whole volume
 * and of an unaligned 136^3 box (a task's core plus halo). Run (about a minute):
 * {@code java -Xmx3g -cp target/classes:target/test-classes:$(cat cp.txt) org.basin.io.StoreFormatBenchmark [dir]}
 */
public final class StoreFormatBenchmark {
    private StoreFormatBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Files.createTempDirectory(args.length > 0 ? Path.of(args[0]) : Path.of(System.getProperty("java.io.tmpdir")), "bench");
        int n = 256;
        int[] shape = {n, n, n};
        Box all = Box.ofShape(shape);
        Phantom.Piece p = new Phantom(1, 24, 1, 2, 8, 1).generate(all, shape);
        Block raw = Block.of(p.raw(), all);
        float[] aff = new float[3 * n * n * n];
        byte[] r = p.raw();
        for (int c = 0; c < 3; c++) {
            int step = c == 0 ? n * n : c == 1 ? n : 1;
            for (int i = 0; i < r.length; i++) {
                int j = i >= step ? i - step : i;
                aff[c * r.length + i] = Math.min(r[i] & 0xff, r[j] & 0xff) / 255f;
            }
        }
        Block affs = Block.wrap(DType.FLOAT32, 3, all, aff);
        List<StoreLayout> layouts = List.of(
                StoreLayout.zarr2(new int[] {64, 64, 64}, "zlib:1"),
                StoreLayout.zarr2(new int[] {64, 64, 64}, "zstd:1"),
                StoreLayout.single(StoreLayout.Format.zarr3, new int[] {64, 64, 64}, new int[] {128, 128, 128}, "zstd:1"),
                StoreLayout.single(StoreLayout.Format.zarr3, new int[] {64, 64, 64}, new int[] {128, 128, 128}, "blosc:lz4:5"));
        System.out.printf("%-34s %-18s %9s %9s %9s %8s%n", "format", "volume", "write", "read", "read box", "MB");
        int k = 0;
        for (Block b : List.of(raw, affs)) {
            for (StoreLayout l : layouts) {
                Path dir = root.resolve("s" + k++ + ".zarr");
                double mb = (double) b.length() * b.dtype().bytes() / 1e6;
                double write = Double.MAX_VALUE;
                double read = Double.MAX_VALUE;
                double readBox = Double.MAX_VALUE;
                for (int rep = 0; rep < 2; rep++) {
                    delete(dir);
                    long t0 = System.nanoTime();
                    ChunkedStore s = OmeZarr.create(dir, "v", b.dtype(), b.hasChannelAxis() ? 3 : 0, shape, l, new double[] {1, 1, 1}, Map.of());
                    for (int z = 0; z < n; z += 128) {
                        for (int y = 0; y < n; y += 128) {
                            for (int x = 0; x < n; x += 128) {
                                s.write(b.crop(new Box(new int[] {z, y, x}, new int[] {z + 128, y + 128, x + 128})));
                            }
                        }
                    }
                    write = Math.min(write, (System.nanoTime() - t0) / 1e9);
                    try (VolumeReader v = Volumes.open(dir, null)) {
                        t0 = System.nanoTime();
                        v.readAll();
                        read = Math.min(read, (System.nanoTime() - t0) / 1e9);
                        t0 = System.nanoTime();
                        v.read(new Box(new int[] {60, 60, 60}, new int[] {196, 196, 196}));
                        readBox = Math.min(readBox, (System.nanoTime() - t0) / 1e9);
                    }
                }
                double boxMb = mb * Math.pow(136.0 / 256, 3);
                String name = l.format() + (l.shard() != null ? " shard 128^3" : "") + " chunk 64^3 " + l.compression();
                System.out.printf("%-34s %-18s %9.0f %9.0f %9.0f %8.1f%n", name, b.hasChannelAxis() ? "3x256^3 float32" : "256^3 uint8",
                        mb / write, mb / read, boxMb / readBox, size(dir) / 1e6);
            }
        }
        delete(root);
    }

    private static long size(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void delete(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
