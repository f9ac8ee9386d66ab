package org.basin.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import org.basin.snapshot.SliceRenderer;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;

class SlicePanelsTest {
    /** A 1 x 10 x 12 slice: id 7 on the left half, id 9 on the right, background in the lower right corner. */
    static Block segSlice() {
        long[] ids = new long[10 * 12];
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 12; x++) {
                ids[y * 12 + x] = x < 6 ? 7 : y >= 8 && x >= 10 ? 0 : 9;
            }
        }
        return Block.of(ids, new Box(new int[] {3, 0, 0}, new int[] {4, 10, 12}));
    }

    @Test
    void segmentPixelsHaveTheirIdsColoursAndBoundariesAreBlack() {
        SlicePanels.Picture p = SlicePanels.render(null, null, segSlice(), 8);
        int scale = 8; // ceil(256 / 12) = 22, at most 8
        assertEquals(scale, p.scale());
        assertEquals(12 * scale, p.image().getWidth());
        assertEquals(10 * scale, p.image().getHeight());
        BufferedImage img = p.image();
        // voxel centres away from the bar (lower left) and the boundary
        assertEquals(SliceRenderer.colour(7), img.getRGB(2 * scale + scale / 2, 2 * scale + scale / 2) & 0xffffff);
        assertEquals(SliceRenderer.colour(9), img.getRGB(8 * scale + scale / 2, 3 * scale + scale / 2) & 0xffffff);
        assertEquals(0, img.getRGB(11 * scale + scale / 2, 9 * scale + scale / 2) & 0xffffff, "background is black");
        // the last pixel column of voxel x 5 faces id 9 at x 6: boundary; the one before it is id 7's colour
        assertEquals(SlicePanels.BOUNDARY, img.getRGB(6 * scale - 1, 2 * scale + 3) & 0xffffff);
        assertEquals(SliceRenderer.colour(7), img.getRGB(6 * scale - 2, 2 * scale + 3) & 0xffffff);
        // id 9 above background (y 7 -> 8, x 10): its last pixel row is a boundary
        assertEquals(SlicePanels.BOUNDARY, img.getRGB(10 * scale + 3, 8 * scale - 1) & 0xffffff);
        assertEquals(SliceRenderer.colour(9), img.getRGB(10 * scale + 3, 8 * scale - 2) & 0xffffff);
    }

    @Test
    void threePanelsRawGreyAffinitiesRgbSegmentsColoured() {
        Block seg = segSlice();
        byte[] raw = new byte[10 * 12];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (i % 12 * 20); // 0 .. 220 along x
        }
        float[] aff = new float[3 * 10 * 12];
        for (int i = 0; i < 120; i++) {
            aff[i] = 0.2f;       // z -> blue
            aff[120 + i] = 0.4f; // y -> green
            aff[240 + i] = 1f;   // x -> red
        }
        Box box = new Box(new int[] {3, 0, 0}, new int[] {4, 10, 12});
        SlicePanels.Picture p = SlicePanels.render(Block.of(raw, box), Block.wrap(DType.FLOAT32, 3, box, aff), seg, 4);
        int pw = 12 * 8;
        assertEquals(3 * pw + 2 * SlicePanels.GAP, p.image().getWidth());
        int y = 2 * 8;
        assertEquals(0x000000, p.image().getRGB(5, y) & 0xffffff, "raw minimum is black");
        assertEquals(0xffffff, p.image().getRGB(11 * 8 + 5, y) & 0xffffff, "raw maximum is white");
        assertEquals((255 << 16) | (102 << 8) | 51, p.image().getRGB(pw + SlicePanels.GAP + 5 * 8, y) & 0xffffff);
        assertEquals(0xffffff, p.image().getRGB(pw + 1, y) & 0xffffff, "a white gap");
        assertEquals(SliceRenderer.colour(7), p.image().getRGB(2 * (pw + SlicePanels.GAP) + 2 * 8, y) & 0xffffff);
    }

    @Test
    void theScaleBarIsItsLengthInPixelsOfTheVoxelSize() {
        SlicePanels.Picture p = SlicePanels.render(null, null, segSlice(), 8);
        // 8 nm voxels at 8 px each: a panel 96 px = 96 nm wide; a fifth is 19.2 nm -> 10 nm = 10 px
        assertEquals(10, p.bar().nm());
        assertEquals("10 nm", p.bar().label());
        assertEquals(Math.round(10 * 8 / 8.0), p.bar().pixels());
        SlicePanels.Picture coarse = SlicePanels.render(null, null, segSlice(), 30);
        // 30 nm voxels: 360 nm wide, a fifth 72 nm -> 50 nm = 13.3 -> 13 px
        assertEquals("50 nm", coarse.bar().label());
        assertEquals(Math.round(50 * 8 / 30.0), coarse.bar().pixels());
        assertEquals(coarse.bar().pixels(), barPixelsDrawn(coarse.image()));
        assertEquals(p.bar().pixels(), barPixelsDrawn(p.image()));

        SlicePanels.ScaleBar um = SlicePanels.scaleBar(40, 1024);
        assertEquals(5000, um.nm());
        assertEquals("5 µm", um.label());
        assertEquals(125, um.pixels());
        assertEquals("200 nm", SlicePanels.scaleBar(4, 256).label());
        assertEquals(50, SlicePanels.scaleBar(4, 256).pixels());
    }

    /** White pixels on the lowest row that has any: the bar's (the label is above it, ids are never white). */
    static int barPixelsDrawn(BufferedImage img) {
        for (int y = img.getHeight() - 1; y >= 0; y--) {
            int n = 0;
            for (int x = 0; x < img.getWidth(); x++) {
                n += (img.getRGB(x, y) & 0xffffff) == SlicePanels.BAR ? 1 : 0;
            }
            if (n > 0) {
                return n;
            }
        }
        return 0;
    }
}
