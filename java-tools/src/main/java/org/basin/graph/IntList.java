package org.basin.graph;

import java.util.Arrays;

/** A growable list of ints without boxing, for queues and paths over voxel indices. */
public final class IntList {
    private int[] values = new int[64];
    private int size;

    public void add(int v) {
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[size++] = v;
    }

    public int get(int i) {
        return values[i];
    }

    public int size() {
        return size;
    }

    public void clear() {
        size = 0;
    }

    public int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
