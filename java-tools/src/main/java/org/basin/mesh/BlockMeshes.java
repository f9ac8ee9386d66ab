package org.basin.mesh;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * The meshes of every segment of one block of a segmentation, as pieces that meet their neighbours' exactly.
 *
 * <p>Cells (the cubes between 8 voxel centres) are divided among blocks by their lowest corner: a block with core
 * {@code [min, max)} owns the cells whose lowest corner lies in {@code [min, max)}, plus those whose lowest corner is
 * -1 where the core starts at the volume's start; outside the volume every voxel is background (0), so objects at
 * the volume's faces are closed. A block therefore reads its core plus one voxel above ({@link #readBox}). Vertices
 * on a face shared with a neighbouring block are computed identically by both (whole half voxels) and are frozen
 * during simplification, so the union of the pieces of an object is as closed as each piece is inside its block.
 */
public final class BlockMeshes {
    /** One segment's piece: vertices in nm (x, y, z interleaved), counter-clockwise triangles. */
    public record Piece(long segment, float[] vertices, int[] triangles, int originalTriangles) {
        public int vertexCount() {
            return vertices.length / 3;
        }

        public int triangleCount() {
            return triangles.length / 3;
        }
    }

    private BlockMeshes() {
    }

    /** The voxels a block with this core reads: the core plus one voxel above on each axis, inside the volume. */
    public static Box readBox(Box core, int[] volumeShape) {
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            hi[a] = Math.min(volumeShape[a], core.max(a) + 1);
        }
        return new Box(core.min(), hi);
    }

    /**
     * The pieces of every non-zero segment in the cells of {@code core}; {@code labels} holds {@link #readBox} of it
     * (any integer type; uint64 ids). {@code voxelSize} is (z, y, x) in nm; {@code maxError} in nm (0: no
     * simplification). Pieces come in ascending unsigned segment order.
     */
    public static List<Piece> mesh(Block labels, Box core, int[] volumeShape, double[] voxelSize, double maxError) {
        Box read = readBox(core, volumeShape);
        if (!labels.box().equals(read)) {
            throw new IllegalArgumentException("labels cover " + labels.box() + ", the block needs " + read);
        }
        long[] values = labels.longs();
        int[] lo = new int[3];
        int[] n = new int[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = core.min(a) == 0 ? -1 : core.min(a);
            n[a] = core.max(a) - lo[a] + 1; // corners lo..max inclusive
        }
        // local ids 1..k for the segments, in ascending unsigned order so the output order is fixed
        long[] sorted = distinctNonZero(values);
        long[] flipped = new long[sorted.length]; // signed order of the same ids, for the search
        for (int i = 0; i < sorted.length; i++) {
            flipped[i] = sorted[i] ^ Long.MIN_VALUE;
        }
        int[] ids = new int[Math.multiplyExact(Math.multiplyExact(n[0], n[1]), n[2])];
        int[] rs = read.shape();
        long last = 0;
        int lastId = 0;
        for (int z = 0; z < rs[0]; z++) {
            for (int y = 0; y < rs[1]; y++) {
                int src = (z * rs[1] + y) * rs[2];
                int dst = ((z + read.min(0) - lo[0]) * n[1] + (y + read.min(1) - lo[1])) * n[2] + (read.min(2) - lo[2]);
                for (int x = 0; x < rs[2]; x++) {
                    long v = values[src + x];
                    if (v != last) {
                        last = v;
                        lastId = v == 0 ? 0 : Arrays.binarySearch(flipped, v ^ Long.MIN_VALUE) + 1;
                    }
                    ids[dst + x] = lastId;
                }
            }
        }
        LabelSurfaces.Surface[] surfaces = LabelSurfaces.extract(ids, n[0], n[1], n[2], sorted.length);
        // shared faces (corner planes, in half voxels of the local grid): the core's start unless it is the volume's,
        // the core's end unless it is the volume's
        int[] lowPlane = new int[3];
        int[] highPlane = new int[3];
        for (int a = 0; a < 3; a++) {
            lowPlane[a] = core.min(a) > 0 ? 0 : Integer.MIN_VALUE;
            highPlane[a] = core.max(a) < volumeShape[a] ? 2 * (n[a] - 1) : Integer.MIN_VALUE;
        }
        List<Piece> out = new ArrayList<>();
        for (int l = 1; l <= sorted.length; l++) {
            LabelSurfaces.Surface s = surfaces[l];
            if (s == null || s.triangleCount() == 0) {
                continue;
            }
            int nv = s.vertexCount();
            double[] pos = new double[nv * 3];
            boolean[] frozen = new boolean[nv];
            int[] h = s.halfXyz();
            for (int v = 0; v < nv; v++) {
                for (int c = 0; c < 3; c++) { // c: x, y, z; array axes are z, y, x
                    int axis = 2 - c;
                    int half = h[v * 3 + c];
                    // whole half voxels of the global grid: the same double in every block that computes this vertex
                    long global = 2L * lo[axis] + half;
                    pos[v * 3 + c] = global * 0.5 * voxelSize[axis];
                    frozen[v] |= half == lowPlane[axis] || half == highPlane[axis];
                }
            }
            MeshSimplifier.Result r = MeshSimplifier.simplify(pos, nv, s.triangles(), s.triangleCount(), frozen, maxError);
            double[] p = r.positions();
            float[] f = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                f[i] = (float) p[i];
            }
            out.add(new Piece(sorted[l - 1], f, r.triangles(), s.triangleCount()));
        }
        return out;
    }

    /** The distinct non-zero values, sorted as unsigned numbers. */
    static long[] distinctNonZero(long[] values) {
        LongSet seen = new LongSet();
        long last = 0;
        for (long v : values) {
            if (v != last) {
                last = v;
                if (v != 0) {
                    seen.add(v);
                }
            }
        }
        long[] out = seen.toArray();
        // unsigned order: flip the sign bit, sort, flip back
        for (int i = 0; i < out.length; i++) {
            out[i] ^= Long.MIN_VALUE;
        }
        Arrays.sort(out);
        for (int i = 0; i < out.length; i++) {
            out[i] ^= Long.MIN_VALUE;
        }
        return out;
    }

    /** An open-addressing set of non-zero longs. */
    private static final class LongSet {
        private long[] slots = new long[1024];
        private int size;

        void add(long v) {
            int mask = slots.length - 1;
            int i = (int) (mix(v) & mask);
            while (slots[i] != 0) {
                if (slots[i] == v) {
                    return;
                }
                i = (i + 1) & mask;
            }
            slots[i] = v;
            if (++size * 2 > slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                size = 0;
                for (long o : old) {
                    if (o != 0) {
                        add(o);
                    }
                }
            }
        }

        long[] toArray() {
            long[] out = new long[size];
            int k = 0;
            for (long o : slots) {
                if (o != 0) {
                    out[k++] = o;
                }
            }
            return out;
        }

        private static long mix(long v) {
            v *= 0x9E3779B97F4A7C15L;
            return v ^ (v >>> 29);
        }
    }
}
