package org.basin.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.basin.volume.Box;

/**
 * Voxel counts and bounding boxes per segment id over the boxes one task writes (a RELABEL block), so the report
 * sums small per-block tables instead of scanning the volume. Runs of one id along x are counted at once.
 */
public final class SegmentCounts {
    private long[] keys = new long[1024];
    private int[] slots = new int[1024];
    private int size;
    private long[] ids = new long[256];
    private long[] voxels = new long[256];
    private int[] bounds = new int[256 * 6];

    /** Adds the labels of {@code box} (C order z, y, x); id 0 (background) is not counted. */
    public void add(long[] labels, Box box) {
        int[] s = box.shape();
        if (labels.length != box.voxels()) {
            throw new IllegalArgumentException(labels.length + " labels for " + box);
        }
        int i = 0;
        for (int z = 0; z < s[0]; z++) {
            for (int y = 0; y < s[1]; y++) {
                int x = 0;
                while (x < s[2]) {
                    long id = labels[i];
                    int start = x;
                    while (x < s[2] && labels[i] == id) {
                        x++;
                        i++;
                    }
                    if (id != 0) {
                        count(id, x - start, box.min(0) + z, box.min(1) + y, box.min(2) + start, box.min(2) + x);
                    }
                }
            }
        }
    }

    private void count(long id, int run, int z, int y, int x0, int x1) {
        int slot = slot(id);
        voxels[slot] += run;
        int b = 6 * slot;
        bounds[b] = Math.min(bounds[b], z);
        bounds[b + 1] = Math.min(bounds[b + 1], y);
        bounds[b + 2] = Math.min(bounds[b + 2], x0);
        bounds[b + 3] = Math.max(bounds[b + 3], z + 1);
        bounds[b + 4] = Math.max(bounds[b + 4], y + 1);
        bounds[b + 5] = Math.max(bounds[b + 5], x1);
    }

    /** The slot of {@code id}, added when new (open addressing; keys hold id + 1 so 0 marks a free entry). */
    private int slot(long id) {
        int mask = keys.length - 1;
        int h = (int) (mix(id) & mask);
        while (keys[h] != 0) {
            if (keys[h] == id + 1) {
                return slots[h];
            }
            h = (h + 1) & mask;
        }
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, size * 2);
            voxels = Arrays.copyOf(voxels, size * 2);
            bounds = Arrays.copyOf(bounds, size * 12);
        }
        keys[h] = id + 1;
        slots[h] = size;
        ids[size] = id;
        int b = 6 * size;
        Arrays.fill(bounds, b, b + 3, Integer.MAX_VALUE);
        Arrays.fill(bounds, b + 3, b + 6, Integer.MIN_VALUE);
        int slot = size++;
        if (2 * size > keys.length) {
            grow();
        }
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldSlots = slots;
        keys = new long[oldKeys.length * 2];
        slots = new int[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != 0) {
                int h = (int) (mix(oldKeys[j] - 1) & mask);
                while (keys[h] != 0) {
                    h = (h + 1) & mask;
                }
                keys[h] = oldKeys[j];
                slots[h] = oldSlots[j];
            }
        }
    }

    private static long mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 32);
    }

    /** The segments seen, by increasing id. */
    public List<Segment> segments() {
        List<Segment> out = new ArrayList<>(size);
        for (int s = 0; s < size; s++) {
            int b = 6 * s;
            out.add(new Segment(ids[s], voxels[s], new int[] {bounds[b], bounds[b + 1], bounds[b + 2]},
                    new int[] {bounds[b + 3], bounds[b + 4], bounds[b + 5]}));
        }
        out.sort((a, c) -> Long.compareUnsigned(a.id(), c.id()));
        return out;
    }
}
