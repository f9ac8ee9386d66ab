package org.basin.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;

class SliceRendererTest {
    @Test
    void rawAffinitiesAndSegmentsSideBySideAtTheirValues() {
        Box plane = Box.ofShape(new int[] {1, 2, 3});
        Block raw = Block.of(new byte[] {10, 20, 30, 40, 50, 110}, plane);
        // channels z, y, x: z blue, y green, x red
        float[] a = new float[3 * 6];
        a[0] = 1f; // z at pixel 0
        a[6 + 1] = 0.5f; // y at pixel 1
        a[12 + 2] = 0.25f; // x at pixel 2
        Block aff = Block.wrap(DType.FLOAT32, 3, plane, a);
        Block seg = Block.of(new long[] {0, 7, 7, 9, 9, 9}, plane);
        BufferedImage img = SliceRenderer.render(raw, aff, seg, 2);
        assertEquals(3 * 3 * 2 + 2 * 4, img.getWidth(), "three panels of 3 px at 2x, 4 px apart");
        assertEquals(4, img.getHeight());
        // raw scaled to its min..max (10..110): 20 -> round(255 * 10 / 100) = 26; 110 -> 255
        assertEquals(grey(0), rgb(img, 0, 0));
        assertEquals(grey(26), rgb(img, 2, 1));
        assertEquals(grey(255), rgb(img, 5, 3));
        int x0 = 3 * 2 + 4;
        assertEquals(0x0000ff, rgb(img, x0, 0), "z affinity 1 -> blue");
        assertEquals(128 << 8, rgb(img, x0 + 2, 0), "y affinity 0.5 -> green 128");
        assertEquals(64 << 16, rgb(img, x0 + 4, 1), "x affinity 0.25 -> red 64");
        int x1 = 2 * (3 * 2 + 4);
        assertEquals(0, rgb(img, x1, 0), "background black");
        assertEquals(SliceRenderer.colour(7), rgb(img, x1 + 3, 1));
        assertEquals(SliceRenderer.colour(9), rgb(img, x1 + 5, 3));
        assertEquals(0xffffff, rgb(img, 3 * 2 + 1, 0), "the gap is white");
    }

    private static int grey(int v) {
        return (v << 16) | (v << 8) | v;
    }

    private static int rgb(BufferedImage img, int x, int y) {
        return img.getRGB(x, y) & 0xffffff;
    }
}
