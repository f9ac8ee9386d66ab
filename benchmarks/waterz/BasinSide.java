// Basin's side of benchmarks/agglomerate-vs-waterz.sh (run as a single-file program against basin.jar):
// the same noisy phantom supervoxel graph as org.basin.quality.AgglomerationSpeed (T_high 0.999, T_low -1, T_size 0),
// writes the affinities (float32 3 x Z x Y x X, little-endian; channel c joins v and v - e_c, as waterz reads them)
// and the supervoxels (uint64 Z x Y x X) for the waterz driver, then times MeanAffinity.run to the end (threshold 0).
// Args: size, out dir, runs.
import java.io.*;
import java.nio.*;
import java.nio.channels.FileChannel;
import java.nio.file.*;
import java.util.*;
import org.basin.agglomerate.MeanAffinity;
import org.basin.infer.IntensityAffinity;
import org.basin.phantom.Phantom;
import org.basin.volume.Box;
import org.basin.watershed.Watershed;
import org.basin.watershed.WatershedParams;

public class BasinSide {
    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        Path out = Paths.get(args[1]);
        int runs = Integer.parseInt(args[2]);
        int[] shape = {n, n, n};
        Phantom.Piece piece = new Phantom(1, 24, 1, 2, 40, 0.5).generate(Box.ofShape(shape), shape);
        float[] raw = new float[piece.raw().length];
        for (int i = 0; i < raw.length; i++) raw[i] = piece.raw()[i] & 0xff;
        float[] aff = new IntensityAffinity(90, 170, new double[] {1, 1, 1}).apply(raw, shape);
        write(out.resolve("aff.f32"), aff.length * 4L, b -> { for (float f : aff) b.putFloat(f); });
        Watershed.Result r = Watershed.run(aff.clone(), shape, new WatershedParams(0.999f, -1f, 0.5f, 0, 0, WatershedParams.SizeRule.SQUARE));
        int[] labels = r.labels();
        write(out.resolve("frag.u64"), labels.length * 8L, b -> { for (int l : labels) b.putLong(l & 0xffffffffL); });
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        int edges = r.regionGraph().size();
        for (int rep = 0; rep < 2 + runs; rep++) { // 2 warm-up runs, then the timed ones
            long a0 = mx.getCurrentThreadAllocatedBytes();
            long t0 = System.nanoTime();
            MeanAffinity.Merges m = MeanAffinity.run(r.count(), r.regionGraph(), 0f);
            double s = (System.nanoTime() - t0) / 1e9;
            long alloc = mx.getCurrentThreadAllocatedBytes() - a0;
            System.out.printf(Locale.ROOT, "%s segments %d edges %d merges %d agglomerate_s %.4f edges_per_s %.0f alloc_bytes_per_edge %.1f%n",
                    rep < 2 ? "warmup" : "basin", r.count(), edges, m.size(), s, edges / s, (double) alloc / edges);
        }
    }

    interface Fill { void fill(ByteBuffer b); }

    static void write(Path p, long bytes, Fill f) throws IOException {
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        f.fill(b);
        b.flip();
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) c.write(b);
        }
    }
}
