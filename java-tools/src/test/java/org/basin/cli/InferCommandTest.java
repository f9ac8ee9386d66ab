package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;

class InferCommandTest {
    @Test
    void uint8IsRoundAffinityTimes255ComputedExactly() {
        // the floats just around each rounding boundary (k + 0.5) / 255, where a float32 product can round up to
        // k + 0.5 and then to k + 1
        int per = 9;
        float[] aff = new float[255 * per + 6];
        int n = 0;
        for (int k = 0; k < 255; k++) {
            float f = (float) ((k + 0.5) / 255);
            for (int i = 0; i < 4; i++) {
                f = Math.nextDown(f);
            }
            for (int i = 0; i < per; i++, f = Math.nextUp(f)) {
                aff[n++] = f;
            }
        }
        float[] ends = {-0.25f, 0f, 0.5f, 1f, 1.5f, Math.nextDown(1f)};
        System.arraycopy(ends, 0, aff, n, ends.length);
        Block q = InferCommand.quantise(aff, Block.allocate(DType.FLOAT32, new Box(new int[3], new int[] {1, 1, aff.length / 3})));
        assertEquals(DType.UINT8, q.dtype());
        byte[] got = q.bytes();
        int floatProductDiffers = 0;
        for (int i = 0; i < aff.length; i++) {
            double exact = Math.max(0, Math.min(1, (double) aff[i])) * 255; // exact in double: 24 + 8 bits
            assertEquals(Math.round(exact), got[i] & 0xff, "affinity " + aff[i]);
            floatProductDiffers += Math.round(Math.max(0f, Math.min(1f, aff[i])) * 255f) != Math.round(exact) ? 1 : 0;
        }
        assertTrue(floatProductDiffers > 0, "the values tested tell the two apart");
        assertArrayEquals(new byte[] {0, 0, (byte) 128, (byte) 255, (byte) 255, (byte) 255}, Arrays.copyOfRange(got, n, n + 6));
    }
}
