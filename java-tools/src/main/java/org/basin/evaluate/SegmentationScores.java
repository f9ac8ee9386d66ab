package org.basin.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * Accumulates the contingency table of a segmentation against ground truth (voxels with truth 0 ignored) and
 * scores it: variation of information split / merge in bits, and the adapted Rand error in the CREMI / SNEMI3D
 * F-score form. Segmentation label 0 is scored by one {@link Zero} convention for both measures: as singletons (each
 * voxel its own segment, as CREMI scores it; the default) or as one label like any other.
 */
public final class SegmentationScores {
    /** How segmentation label 0 (background) is scored. */
    public enum Zero {
        /** Every voxel labelled 0 is a segment of its own (CREMI): background never merges, it splits. */
        SINGLETONS,
        /** 0 is one segment like any other. */
        LABEL
    }

    private record Pair(long truth, long seg) {
    }

    private final Map<Pair, long[]> table = new HashMap<>();
    private long voxels;
    private long seen; // voxels added, scored or not

    /** Adds voxels pairwise: {@code truth[i]} against {@code seg[i]}. */
    public void add(long[] truth, long[] seg) {
        long lastT = Long.MIN_VALUE;
        long lastS = Long.MIN_VALUE;
        long[] cell = null;
        seen += truth.length;
        for (int i = 0; i < truth.length; i++) {
            long t = truth[i];
            if (t == 0) {
                continue;
            }
            long s = seg[i];
            if (t != lastT || s != lastS) {
                cell = table.computeIfAbsent(new Pair(t, s), k -> new long[1]);
                lastT = t;
                lastS = s;
            }
            cell[0]++;
            voxels++;
        }
    }

    /** Adds {@code count} voxels of truth label {@code truth} in segment {@code seg} (a partial table from elsewhere). */
    public void addCount(long truth, long seg, long count) {
        if (truth == 0 || count <= 0) {
            return;
        }
        table.computeIfAbsent(new Pair(truth, seg), k -> new long[1])[0] += count;
        voxels += count;
    }

    /** The contingency table as (truth, segment, voxels) triples, sorted: what one block hands the final sum. */
    public long[] cells() {
        List<Pair> keys = new ArrayList<>(table.keySet());
        keys.sort(Comparator.comparingLong(Pair::truth).thenComparingLong(Pair::seg));
        long[] out = new long[3 * keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            out[3 * i] = keys.get(i).truth();
            out[3 * i + 1] = keys.get(i).seg();
            out[3 * i + 2] = table.get(keys.get(i))[0];
        }
        return out;
    }

    /** The scores; {@code voxels} is the number of voxels scored (truth non-zero); {@code zero}: how label 0 was scored. */
    public record Scores(double voiSplit, double voiMerge, double adaptedRandError, double randPrecision, double randRecall,
            long voxels, int truthSegments, int segments, Zero zero) {
    }

    /** As {@link #scores(String)} for a truth named "the ground truth". */
    public Scores scores() {
        return scores("the ground truth");
    }

    /** As {@link #scores(String, Zero)} with label 0 as singletons. */
    public Scores scores(String truth) {
        return scores(truth, Zero.SINGLETONS);
    }

    /**
     * The same table with every segment s renamed to {@code table[s]} (cells that meet add up): a segmentation of
     * supervoxels scored at an agglomeration threshold without reading the volume again. Segment 0 stays 0.
     */
    public SegmentationScores relabelled(long[] table, String what) {
        SegmentationScores out = new SegmentationScores();
        for (Map.Entry<Pair, long[]> e : this.table.entrySet()) {
            long s = e.getKey().seg();
            if (s < 0 || s >= table.length) {
                throw BasinException.badInput(what + ": segment " + Long.toUnsignedString(s) + " has no entry (" + table.length
                        + " entries): the table of another segmentation");
            }
            out.addCount(e.getKey().truth(), s == 0 ? 0 : table[(int) s], e.getValue()[0]);
        }
        out.seen = seen;
        return out;
    }

    /**
     * The scores. With no voxel scored (the truth, named {@code truth} in the message, is 0 everywhere) there is
     * nothing to measure: exit 3, not a perfect score.
     */
    public Scores scores(String truth, Zero zero) {
        boolean singletons = zero == Zero.SINGLETONS;
        if (voxels == 0) {
            throw BasinException.badInput(truth + ": nothing scored: " + (seen == 0 ? "no voxel has a truth label"
                    : "all " + seen + " voxels are 0 (unlabelled) in the ground truth") + "; evaluate scores only voxels with a truth label");
        }
        Map<Long, Long> truthSizes = new HashMap<>();
        Map<Long, Long> segSizes = new HashMap<>();
        for (Map.Entry<Pair, long[]> e : table.entrySet()) {
            truthSizes.merge(e.getKey().truth(), e.getValue()[0], Long::sum);
            segSizes.merge(e.getKey().seg(), e.getValue()[0], Long::sum);
        }
        double n = voxels;
        double hSegGivenTruth = 0;
        double hTruthGivenSeg = 0;
        double sumAB = 0;
        for (Map.Entry<Pair, long[]> e : table.entrySet()) {
            double nij = e.getValue()[0];
            double pij = nij / n;
            double pt = truthSizes.get(e.getKey().truth()) / n;
            double ps = segSizes.get(e.getKey().seg()) / n;
            if (singletons && e.getKey().seg() == 0) {
                // nij segments of one voxel each: each splits its truth object, none merges two
                hSegGivenTruth -= pij * log2((1 / n) / pt);
                sumAB += nij;
                continue;
            }
            hSegGivenTruth -= pij * log2(pij / pt);
            hTruthGivenSeg -= pij * log2(pij / ps);
            sumAB += nij * nij;
        }
        double sumTruth = 0;
        for (long v : truthSizes.values()) {
            sumTruth += (double) v * v;
        }
        double sumSeg = 0;
        for (Map.Entry<Long, Long> e : segSizes.entrySet()) {
            double v = e.getValue();
            sumSeg += singletons && e.getKey() == 0 ? v : v * v;
        }
        double precision = sumAB / sumSeg;
        double recall = sumAB / sumTruth;
        double f = 2 * precision * recall / (precision + recall);
        int segs = (int) segSizes.keySet().stream().filter(k -> k != 0).count();
        return new Scores(Math.max(0, hSegGivenTruth), Math.max(0, hTruthGivenSeg), 1 - f, precision, recall, voxels, truthSizes.size(), segs, zero);
    }

    private static double log2(double v) {
        return Math.log(v) / Math.log(2);
    }
}
