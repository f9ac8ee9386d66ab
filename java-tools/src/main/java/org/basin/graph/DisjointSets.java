package org.basin.graph;

/** Union-find over 0..n-1 with union by size and path halving; tracks set sizes in voxels. */
public final class DisjointSets {
    private final int[] parent;
    private final long[] size;

    public DisjointSets(int n) {
        parent = new int[n];
        size = new long[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
    }

    public DisjointSets(long[] sizes) {
        this(sizes.length);
        System.arraycopy(sizes, 0, size, 0, sizes.length);
    }

    public int find(int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    /** Joins the sets of a and b; returns the new root. */
    public int union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra == rb) {
            return ra;
        }
        if (size[ra] < size[rb] || (size[ra] == size[rb] && rb < ra)) {
            int t = ra;
            ra = rb;
            rb = t;
        }
        parent[rb] = ra;
        size[ra] += size[rb];
        return ra;
    }

    /** Adds voxels to the set containing x (what a lower merge task joined to it, replayed at its place in the order). */
    public void grow(int x, long voxels) {
        size[find(x)] += voxels;
    }

    /** The size of the set containing x. */
    public long size(int x) {
        return size[find(x)];
    }

    public int count() {
        return parent.length;
    }
}
