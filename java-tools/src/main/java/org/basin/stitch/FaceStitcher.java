package org.basin.stitch;

import java.util.ArrayList;
import java.util.List;
import org.basin.chunk.Chunk;
import org.basin.graph.DisjointSets;
import org.basin.volume.Block;
import org.basin.volume.Box;

/**
 * Gives every chunk's segments globally unique ids and unites segments that are one object across chunk faces.
 *
 * <p>Watershed chunks overlap: a chunk's padded box reaches {@code overlap} voxels into its upper neighbours'
 * cores, and both chunks labelled those voxels. For every such voxel labelled non-zero by both, the two
 * segments are united. Only thin slabs are kept in memory: each chunk's overhang (padded minus core, on the upper
 * sides) and its lower shell (the core voxels that upper-side overhangs of other chunks can reach).
 */
public final class FaceStitcher {
    private final List<Chunk> chunks = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private final List<Block> overhangs = new ArrayList<>();
    private final List<Block> shells = new ArrayList<>();
    private final List<Integer> overhangOwner = new ArrayList<>();
    private final List<Integer> shellOwner = new ArrayList<>();
    private long total;
    private DisjointSets sets;
    private int[] finalIds;
    private int finalCount;
    private final int[] overlap;

    /** @param overlap how far (z, y, x) padded boxes reach past their cores, the deepest over the grid */
    public FaceStitcher(int[] overlap) {
        this.overlap = overlap.clone();
    }

    /**
     * Adds one chunk: its labels over the padded box (chunk-local ids 1..count, 0 = background), in grid order.
     * Returns the offset added to this chunk's ids to make them global.
     */
    public long add(Chunk chunk, Block labels, long count) {
        if (finalIds != null) {
            throw new IllegalStateException("already resolved");
        }
        int index = chunks.size();
        long offset = total;
        chunks.add(chunk);
        offsets.add(offset);
        total += count;
        Box core = chunk.core();
        Box padded = chunk.padded();
        for (int a = 0; a < 3; a++) {
            if (padded.max(a) > core.max(a)) {
                int[] lo = padded.min();
                int[] hi = padded.max();
                lo[a] = core.max(a);
                overhangs.add(shift(labels.crop(new Box(lo, hi)), offset));
                overhangOwner.add(index);
            }
            int depth = overlap[a];
            if (core.min(a) > 0 && depth > 0) {
                int[] lo = core.min();
                int[] hi = core.max();
                hi[a] = Math.min(core.max(a), core.min(a) + depth);
                shells.add(shift(labels.crop(new Box(lo, hi)), offset));
                shellOwner.add(index);
            }
        }
        return offset;
    }

    private static Block shift(Block b, long offset) {
        long[] out = new long[b.length()];
        for (int i = 0; i < out.length; i++) {
            long v = b.getLong(i);
            out[i] = v == 0 ? 0 : v + offset;
        }
        return Block.of(out, b.box());
    }

    /** Unites across all faces and numbers the final segments 1..count in order of their smallest global id. */
    public void resolve() {
        if (total >= Integer.MAX_VALUE) {
            throw new IllegalStateException("more than 2^31 segments");
        }
        sets = new DisjointSets((int) total + 1);
        for (int i = 0; i < overhangs.size(); i++) {
            Block o = overhangs.get(i);
            for (int j = 0; j < shells.size(); j++) {
                if (shellOwner.get(j).equals(overhangOwner.get(i))) {
                    continue;
                }
                Block s = shells.get(j);
                Box common = o.box().intersect(s.box());
                if (common.isEmpty()) {
                    continue;
                }
                long[] a = o.crop(common).longs();
                long[] b = s.crop(common).longs();
                for (int k = 0; k < a.length; k++) {
                    if (a[k] != 0 && b[k] != 0) {
                        sets.union((int) a[k], (int) b[k]);
                    }
                }
            }
        }
        finalIds = new int[(int) total + 1];
        int[] rootId = new int[(int) total + 1];
        int next = 0;
        for (int id = 1; id <= total; id++) {
            int r = sets.find(id);
            if (rootId[r] == 0) {
                rootId[r] = ++next;
            }
            finalIds[id] = rootId[r];
        }
        finalCount = next;
        overhangs.clear();
        shells.clear();
    }

    public int count() {
        return finalCount;
    }

    public long offset(int chunkIndex) {
        return offsets.get(chunkIndex);
    }

    /** The final segmentation of a chunk's core, from its labels (padded box, local ids). */
    public Block relabelCore(int chunkIndex, Block labels) {
        Chunk c = chunks.get(chunkIndex);
        Block core = labels.crop(c.core());
        long offset = offsets.get(chunkIndex);
        long[] out = new long[core.length()];
        for (int i = 0; i < out.length; i++) {
            long v = core.getLong(i);
            out[i] = v == 0 ? 0 : finalIds[(int) (v + offset)];
        }
        return Block.of(out, c.core());
    }
}
