package org.basin.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockConvertTest {
    /** Widening labels keeps every value, unsigned types zero-extended, whatever the source type. */
    @Test
    void integralBlocksWidenToSixtyFourBitsValueForValue() {
        Random rnd = new Random(3);
        Box box = new Box(new int[] {0, 0, 0}, new int[] {3, 5, 7});
        for (DType from : new DType[] {DType.UINT8, DType.UINT16, DType.INT32, DType.UINT32, DType.INT64, DType.UINT64}) {
            Block b = Block.allocate(from, box);
            for (int i = 0; i < b.length(); i++) {
                b.setLong(i, rnd.nextLong()); // truncated to the type; the extremes come up often
            }
            b.setLong(0, -1);
            for (DType to : new DType[] {DType.INT64, DType.UINT64}) {
                Block w = b.convert(to);
                assertEquals(to, w.dtype());
                for (int i = 0; i < b.length(); i++) {
                    assertEquals(b.getLong(i), w.getLong(i), from + " -> " + to + " at " + i);
                }
            }
        }
        Block u32 = Block.allocate(DType.UINT32, box);
        u32.setLong(4, 0xFFFFFFFFL);
        assertEquals(4294967295L, u32.convert(DType.INT64).longs()[4]);
        Block u8 = Block.allocate(DType.UINT8, box);
        u8.setLong(2, 200);
        assertEquals(200L, u8.convert(DType.UINT64).longs()[2]);
    }
}
