package org.basin.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * Read and write throughput of each store format and codec on a 256^3 uint8 volume (EM-like: smooth membranes plus
 * noise) and a 3 x 256^3 float32 one (affinity-like), 64^3 chunks, whole-volume writes and reads in 128^3 regions.
 * Run by benchmarks/formats.sh; prints one table row per format and volume.
 */
public final class FormatBenchmark {
    private FormatBenchmark() {
    }

    interface Store {
        void write(Block b);

        VolumeReader reader();
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        Path work = Files.createTempDirectory("basin-formats");
        try {
            Block raw = em(n);
            Block aff = affinities(n);
            String[][] formats = {{"zarr2", "zlib"}, {"zarr2", "blosc-lz4"}, {"zarr2", "blosc-zstd"}, {"n5", "gzip"}, {"n5", "raw"}};
            // warm the JIT and the natives on a small volume first
            for (String[] f : formats) {
                run(work.resolve("warm"), f, em(64), false);
            }
            System.out.printf("%-6s %-11s %-22s %9s %9s %8s%n", "format", "codec", "volume", "write_MB/s", "read_MB/s", "ratio");
            for (Block b : new Block[] {raw, aff}) {
                for (String[] f : formats) {
                    run(work.resolve(f[0] + "-" + f[1]), f, b, true);
                }
            }
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Path dir, String[] format, Block b, boolean print) throws IOException {
        int channels = b.hasChannelAxis() ? b.channels() : 0;
        int[] shape = b.shape();
        int[] chunks = {64, 64, 64};
        long t0 = System.nanoTime();
        if (format[0].equals("zarr2")) {
            ZarrArray.create(dir, b.dtype(), channels, shape, chunks, ZarrCodec.parse(format[1]), "/", Map.of()).write(b);
        } else {
            N5Array.create(dir, b.dtype(), channels, shape, chunks, N5Codec.parse(format[1].equals("gzip") ? "gzip:1" : format[1]), Map.of()).write(b);
        }
        long t1 = System.nanoTime();
        long checksum = 0;
        try (VolumeReader r = Volumes.open(dir, null)) {
            int step = Math.max(1, shape[0] / 2);
            for (int z = 0; z < shape[0]; z += step) {
                for (int y = 0; y < shape[1]; y += step) {
                    for (int x = 0; x < shape[2]; x += step) {
                        Block part = r.read(new Box(new int[] {z, y, x}, new int[] {Math.min(shape[0], z + step), Math.min(shape[1], y + step),
                            Math.min(shape[2], x + step)}));
                        checksum += (long) part.getDouble(part.length() - 1);
                    }
                }
            }
        }
        long t2 = System.nanoTime();
        double mb = (double) b.length() * b.dtype().bytes() / 1e6;
        long stored;
        try (Stream<Path> s = Files.walk(dir)) {
            stored = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        if (print) {
            String volume = (channels > 0 ? channels + "x" : "") + shape[0] + "^3 " + b.dtype().label();
            System.out.printf("%-6s %-11s %-22s %9.0f %9.0f %8.2f%n", format[0], format[1], volume, mb / ((t1 - t0) / 1e9), mb / ((t2 - t1) / 1e9),
                    mb * 1e6 / stored);
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (checksum < 0) {
            System.out.println(checksum);
        }
    }

    /** Smooth intensity with dark membranes every ~20 voxels and +-8 noise. */
    static Block em(int n) {
        Block b = Block.allocate(DType.UINT8, Box.ofShape(new int[] {n, n, n}));
        byte[] d = b.bytes();
        Random rnd = new Random(1);
        int i = 0;
        for (int z = 0; z < n; z++) {
            for (int y = 0; y < n; y++) {
                for (int x = 0; x < n; x++) {
                    double m = Math.abs(Math.sin(x * 0.15 + Math.sin(y * 0.05)) * Math.sin(y * 0.13 + z * 0.02));
                    int v = (int) (60 + 150 * m) + rnd.nextInt(17) - 8;
                    d[i++] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return b;
    }

    /** Three smooth channels in [0, 1]. */
    static Block affinities(int n) {
        Block b = Block.allocate(DType.FLOAT32, 3, Box.ofShape(new int[] {n, n, n}));
        float[] d = b.floats();
        int i = 0;
        for (int c = 0; c < 3; c++) {
            for (int z = 0; z < n; z++) {
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        d[i++] = (float) Math.abs(Math.sin(x * 0.15 + c) * Math.sin(y * 0.13 + z * 0.02));
                    }
                }
            }
        }
        return b;
    }
}
