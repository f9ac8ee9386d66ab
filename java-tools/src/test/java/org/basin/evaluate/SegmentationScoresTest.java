package org.basin.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.junit.jupiter.api.Test;

class SegmentationScoresTest {
    @Test
    void perfectSegmentationUpToRenamingScoresZero() {
        SegmentationScores s = new SegmentationScores();
        s.add(new long[] {1, 1, 2, 2, 0, 3}, new long[] {7, 7, 9, 9, 5, 4});
        SegmentationScores.Scores r = s.scores();
        assertEquals(0, r.voiSplit(), 1e-12);
        assertEquals(0, r.voiMerge(), 1e-12);
        assertEquals(0, r.adaptedRandError(), 1e-12);
        assertEquals(5, r.voxels(), "truth label 0 is ignored");
    }

    @Test
    void mergeAndSplitAreMeasuredInBits() {
        // two truth objects of 2 voxels merged into one segment: H(truth | seg) = 1 bit, no split
        SegmentationScores merged = new SegmentationScores();
        merged.add(new long[] {1, 1, 2, 2}, new long[] {5, 5, 5, 5});
        SegmentationScores.Scores m = merged.scores();
        assertEquals(1.0, m.voiMerge(), 1e-12);
        assertEquals(0.0, m.voiSplit(), 1e-12);
        // precision = sum n_ij^2 / sum s_i^2 = 8 / 16, recall = 8 / 8: F = 2/3
        assertEquals(1 - 2.0 / 3.0, m.adaptedRandError(), 1e-12);

        SegmentationScores split = new SegmentationScores();
        split.add(new long[] {1, 1, 1, 1}, new long[] {5, 5, 6, 6});
        assertEquals(1.0, split.scores().voiSplit(), 1e-12);
        assertEquals(0.0, split.scores().voiMerge(), 1e-12);
    }

    @Test
    void unlabelledSegmentationVoxelsCountAsSingletons() {
        SegmentationScores s = new SegmentationScores();
        s.add(new long[] {1, 1, 1, 1}, new long[] {0, 0, 0, 0});
        // sumAB = 4 singletons, sumSeg = 4, sumTruth = 16: precision 1, recall 1/4, F = 0.4
        assertEquals(0.6, s.scores().adaptedRandError(), 1e-12);
    }

    @Test
    void anAllZeroTruthScoresNothingAndIsBadInput() {
        SegmentationScores s = new SegmentationScores();
        s.add(new long[] {0, 0, 0, 0}, new long[] {1, 1, 2, 2});
        s.add(new long[] {0, 0}, new long[] {3, 3});
        BasinException e = assertThrows(BasinException.class, s::scores);
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertEquals(3, e.exitCode().code());
        assertEquals("the ground truth: nothing scored: all 6 voxels are 0 (unlabelled) in the ground truth; evaluate scores only voxels"
                + " with a truth label", e.getMessage());
        BasinException named = assertThrows(BasinException.class, () -> s.scores("truth.h5:/labels"));
        assertTrue(named.getMessage().startsWith("truth.h5:/labels: nothing scored: all 6 voxels are 0"), named.getMessage());
        BasinException empty = assertThrows(BasinException.class, () -> new SegmentationScores().scores("t.h5"));
        assertEquals("t.h5: nothing scored: no voxel has a truth label; evaluate scores only voxels with a truth label", empty.getMessage());
    }
}
