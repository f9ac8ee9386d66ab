package org.basin.graph;

import java.util.Arrays;

/**
 * Dense indices 0, 1, 2, ... for non-zero long ids in the order they are first added: an open-addressing hash table
 * (linear probing, 0 marks an empty slot). A region's voxels change segment every few voxels, and a lookup here
 * costs one multiply and a probe or two where a binary search over the sorted ids cost a dozen branches.
 */
public final class LongIndex {
    private long[] keys;
    private int[] values;
    private long[] order = new long[16];
    private int size;
    private int mask;
    private int shift; // 64 - log2(capacity): the hash's top bits pick the slot

    public LongIndex(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        mask = cap - 1;
        shift = 64 - Integer.numberOfTrailingZeros(cap);
    }

    /** The index of {@code id} (non-zero), adding it as the next index when it is new. */
    public int add(long id) {
        int slot = slot(id);
        while (true) {
            long k = keys[slot];
            if (k == id) {
                return values[slot];
            }
            if (k == 0) {
                break;
            }
            slot = (slot + 1) & mask;
        }
        if (size == order.length) {
            order = Arrays.copyOf(order, 2 * size);
        }
        order[size] = id;
        keys[slot] = id;
        values[slot] = size;
        if (++size * 2 > keys.length) {
            grow();
        }
        return size - 1;
    }

    /** The index of {@code id}, or -1 when it was never added (0 included). */
    public int indexOf(long id) {
        if (id == 0) {
            return -1;
        }
        int slot = slot(id);
        while (true) {
            long k = keys[slot];
            if (k == id) {
                return values[slot];
            }
            if (k == 0) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    public int size() {
        return size;
    }

    /** The ids in the order they were added: {@code ids()[i]} has index i. */
    public long[] ids() {
        return Arrays.copyOf(order, size);
    }

    private int slot(long id) {
        if (id == 0) {
            throw new IllegalArgumentException("0 is not an id here (it marks an empty slot)");
        }
        long h = id * 0x9E3779B97F4A7C15L; // Fibonacci hashing: consecutive ids spread over the table
        return (int) (h >>> shift);
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        mask = keys.length - 1;
        shift--;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int slot = slot(oldKeys[i]);
                while (keys[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }
}
