package org.basin.stitch;

import org.basin.volume.Box;
import org.basin.watershed.Linkage;

/**
 * What one task of the hierarchical merge hands up to its parent (see {@link MergeTask}): everything about its block
 * whose answer still depends on voxels outside it. Segments are the block's still-open ones, numbered 1..openCount;
 * every id in here is one of them, every edge end a {@link Links} reference.
 *
 * @param task the task's index in the merge tree (final references name it)
 * @param box the block: the union of its chunks' cores, global voxels (z, y, x)
 * @param sizes per open segment (index 0 unused), its size in voxels before its {@code growth}: with that growth
 *     added, its size so far, a lower bound on its final size
 * @param growth voxels the open segments gained below at points of the edge order (certain joins of segments that
 *     were never frozen, which are not handed up themselves), in that order; ids are open ids. Once a segment is at or
 *     above the size limit at a point, the rest is added there (from then on only "at or above" matters)
 * @param planes the labels on each of the block's six faces that is not the volume's edge (-z, -y, -x, +z, +y, +x;
 *     null on the volume's edge), (z, y, x) order with the face's axis one long
 * @param lowerAffinity per axis, the affinities across the block's lower face (channel a on its first plane; null on
 *     the volume's edge)
 * @param crossings voxels whose steepest edge (or plateau exit) leaves the block, with the open segment they join
 * @param plateaus plateau voxels whose plateau reaches beyond the block
 * @param graph region-graph edges with at least one open end: between two open ones the linkage still decides them,
 *     between an open and a final one they wait for the open one's final id (the final region graph)
 * @param candidates edges of the maximum spanning forest not yet decided: each stands between {@code va} and
 *     {@code vb} for a path whose other edges are decided (its own ends {@code a}, {@code b} are the segments it joins)
 * @param decided edges certain to be in the forest, waiting for an open end's final id
 */
public record MergeState(int task, Box box, int openCount, long[] sizes, Linkage.Growth growth, int[][] planes, float[][] lowerAffinity, Crossings crossings,
        Plateaus plateaus, Links graph, Links candidates, Links decided) {
    /** Voxels (global index) whose steepest edge in direction {@code dir} leaves the block; {@code label} the open segment. */
    public record Crossings(long[] voxel, int[] dir, int[] label) {
        public int size() {
            return voxel.length;
        }
    }

    /**
     * Plateau voxels (global index) of plateaus that cross the block's faces, as {@link org.basin.watershed.Watershed.PlateauVoxels}:
     * plateau edges (bit d), first exit direction or -1, the open segment, the exit's open segment where known (else 0).
     */
    public record Plateaus(long[] voxel, int[] edges, int[] exit, int[] label, int[] exitLabel) {
        public int size() {
            return voxel.length;
        }
    }

    /** Bytes of the state's arrays: what the parent reads. */
    public long bytes() {
        long b = 8L * sizes.length + 24L * growth.size();
        for (int[] p : planes) {
            b += p == null ? 0 : 4L * p.length;
        }
        for (float[] p : lowerAffinity) {
            b += p == null ? 0 : 4L * p.length;
        }
        b += 16L * crossings.size() + 24L * plateaus.size();
        return b + graph.bytes() + candidates.bytes() + decided.bytes();
    }
}
