package org.basin.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Global segment sizes summed from per-block tables ({@link SegmentCounts}): 8 bytes per segment id (ids are the
 * pipeline's 1..N), never a voxel. The largest segments' bounding boxes come from a second pass over the same tables
 * ({@link #addBounds}), which keeps only those few.
 */
public final class SegmentSizes {
    /** The most ids a dense count holds: ids past it are not the pipeline's 1..N. */
    public static final long MAX_ID = Integer.MAX_VALUE - 16;

    private long[] voxels = new long[1024];
    private long maxId;
    private final Map<Long, Segment> bounds = new HashMap<>();

    /** Adds a block's count of one segment (a segment that several blocks hold appears once per block). */
    public void add(long id, long count) {
        if (id <= 0 || id > MAX_ID) {
            throw new IllegalArgumentException("segment id " + Long.toUnsignedString(id) + " is not in 1.." + MAX_ID);
        }
        if (count < 0) {
            throw new IllegalArgumentException("segment " + id + ": " + count + " voxels");
        }
        if (id >= voxels.length) {
            voxels = Arrays.copyOf(voxels, (int) Math.min(MAX_ID + 1, Math.max(id + 1, 2L * voxels.length)));
        }
        voxels[(int) id] += count;
        maxId = Math.max(maxId, id);
    }

    /** Segments with at least one voxel. */
    public long segments() {
        long n = 0;
        for (int id = 1; id <= maxId; id++) {
            if (voxels[id] > 0) {
                n++;
            }
        }
        return n;
    }

    public long voxels(long id) {
        return id > 0 && id <= maxId ? voxels[(int) id] : 0;
    }

    /** The sizes of all segments with a voxel, by id. */
    public long[] sizes() {
        long[] out = new long[(int) segments()];
        int n = 0;
        for (int id = 1; id <= maxId; id++) {
            if (voxels[id] > 0) {
                out[n++] = voxels[id];
            }
        }
        return out;
    }

    public Histogram histogram() {
        return Histogram.log2(sizes());
    }

    /** The ids of the {@code k} largest segments, largest first (equal sizes: smaller id first). */
    public long[] largest(int k) {
        PriorityQueue<Integer> heap = new PriorityQueue<>((a, b) -> voxels[a] != voxels[b] ? Long.compare(voxels[a], voxels[b]) : Integer.compare(b, a));
        for (int id = 1; id <= maxId; id++) {
            if (voxels[id] == 0) {
                continue;
            }
            heap.add(id);
            if (heap.size() > k) {
                heap.poll();
            }
        }
        long[] out = new long[heap.size()];
        for (int i = out.length - 1; i >= 0; i--) {
            out[i] = heap.poll();
        }
        return out;
    }

    /** Second pass: unions the bounding box of a block's piece of {@code s} when it is one of {@code ids}. */
    public void addBounds(Segment s, long[] ids) {
        for (long id : ids) {
            if (id == s.id()) {
                bounds.merge(id, new Segment(id, s.voxels(), s.min(), s.max()), Segment::plus);
                return;
            }
        }
    }

    /** The segments of {@code ids} with their summed sizes and, after {@link #addBounds}, their boxes (null when none seen). */
    public List<Segment> segments(long[] ids) {
        List<Segment> out = new ArrayList<>();
        for (long id : ids) {
            Segment b = bounds.get(id);
            out.add(new Segment(id, voxels(id), b == null ? null : b.min(), b == null ? null : b.max()));
        }
        return out;
    }
}
