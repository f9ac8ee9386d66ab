package org.basin.report;

/** One segment's voxel count and bounding box in global voxels, (z, y, x), {@code max} exclusive. */
public record Segment(long id, long voxels, int[] min, int[] max) {
    /** The union of two pieces of one segment (from two blocks). */
    public Segment plus(Segment other) {
        if (other.id != id) {
            throw new IllegalArgumentException("segment " + id + " plus segment " + other.id);
        }
        int[] lo = new int[3];
        int[] hi = new int[3];
        for (int a = 0; a < 3; a++) {
            lo[a] = Math.min(min[a], other.min[a]);
            hi[a] = Math.max(max[a], other.max[a]);
        }
        return new Segment(id, voxels + other.voxels, lo, hi);
    }
}
