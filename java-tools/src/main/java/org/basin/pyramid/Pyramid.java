package org.basin.pyramid;

import java.util.function.BiConsumer;
import org.basin.volume.Block;

/** Computes the levels below one block, each from the one before, handing each level's block to a writer. */
public final class Pyramid {
    /** How windows are reduced: mean for images (raw, affinities), mode for labels (segmentations). */
    public enum Method {
        mean, mode;

        public Block apply(Block in, int[] factor) {
            return this == mean ? Downsample.mean(in, factor) : Downsample.mode(in, factor);
        }
    }

    private Pyramid() {
    }

    /**
     * From {@code source}, a block of level {@code from} (starting on a window boundary of every level down to
     * {@code to}), computes levels from + 1 .. to and hands each to {@code sink} (level, block). Memory: two levels of
     * the block at a time.
     */
    public static void build(PyramidPlan plan, Method method, Block source, int from, int to, BiConsumer<Integer, Block> sink) {
        Block current = source;
        for (int k = from + 1; k <= to; k++) {
            current = method.apply(current, plan.level(k).factor());
            sink.accept(k, current);
        }
    }
}
