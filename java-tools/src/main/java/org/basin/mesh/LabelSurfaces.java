package org.basin.mesh;

import java.util.Arrays;

/**
 * Marching cubes over every label of a block in one pass: per cell, for each distinct non-zero label among its 8
 * corners, that label's cube case ({@link CubeCases}). Corners are voxel centres; a vertex sits at the middle of a
 * cell edge whose two voxels differ, so its coordinates are whole numbers of half voxels and two blocks that
 * share a face compute the very same boundary vertices. An edge carries at most two vertices (one per label of its
 * two voxels); they are shared between cells through two planes of edge slots that roll along z.
 */
public final class LabelSurfaces {
    private static final int[] EDGE_AXIS = new int[12];
    private static final int[] EDGE_OX = new int[12];
    private static final int[] EDGE_OY = new int[12];
    private static final int[] EDGE_OZ = new int[12];
    private static final int[] EDGE_LOW = new int[12];

    static {
        for (int e = 0; e < 12; e++) {
            int lo = CubeCases.edgeLow(e);
            EDGE_LOW[e] = lo;
            EDGE_AXIS[e] = CubeCases.edgeAxis(e);
            EDGE_OX[e] = lo & 1;
            EDGE_OY[e] = lo >> 1 & 1;
            EDGE_OZ[e] = lo >> 2 & 1;
        }
    }

    /**
     * One label's surface: {@code vertexCount} vertices as half-voxel coordinates (x, y, z interleaved; 2 i + 1 is
     * the middle between corner i and i + 1 of the grid) and {@code triangleCount} counter-clockwise triangles.
     */
    public record Surface(int[] halfXyz, int vertexCount, int[] triangles, int triangleCount) {
    }

    private LabelSurfaces() {
    }

    /**
     * The surfaces of labels 1..{@code labels} (entry 0 and labels without a surface are null) of the C-order corner
     * grid {@code ids} of shape (nz, ny, nx); label 0 is background and gets none. A label touching the grid's edge is
     * left open there: pad the grid with 0 to close it.
     */
    public static Surface[] extract(int[] ids, int nz, int ny, int nx, int labels) {
        if ((long) nz * ny * nx != ids.length) {
            throw new IllegalArgumentException("grid " + nz + "x" + ny + "x" + nx + " but " + ids.length + " ids");
        }
        Builder[] built = new Builder[labels + 1];
        int plane = ny * nx;
        int[][] xEdges = {new int[plane * 2], new int[plane * 2]};
        int[][] yEdges = {new int[plane * 2], new int[plane * 2]};
        int[] zEdges = new int[plane * 2];
        Arrays.fill(xEdges[0], -1);
        Arrays.fill(yEdges[0], -1);
        int[] off = {0, 1, nx, nx + 1, plane, plane + 1, plane + nx, plane + nx + 1};
        int[] corner = new int[8];
        int[] distinct = new int[8];
        for (int z = 0; z + 1 < nz; z++) {
            int[] xb = xEdges[z & 1];
            int[] xt = xEdges[(z + 1) & 1];
            int[] yb = yEdges[z & 1];
            int[] yt = yEdges[(z + 1) & 1];
            Arrays.fill(xt, -1);
            Arrays.fill(yt, -1);
            Arrays.fill(zEdges, -1);
            for (int y = 0; y + 1 < ny; y++) {
                int row = (z * ny + y) * nx;
                for (int x = 0; x + 1 < nx; x++) {
                    int i = row + x;
                    int c0 = ids[i];
                    if (c0 == ids[i + 1] && c0 == ids[i + nx] && c0 == ids[i + nx + 1] && c0 == ids[i + plane]
                            && c0 == ids[i + plane + 1] && c0 == ids[i + plane + nx] && c0 == ids[i + plane + nx + 1]) {
                        continue; // one label: no surface in this cell
                    }
                    int nd = 0;
                    for (int c = 0; c < 8; c++) {
                        int v = ids[i + off[c]];
                        corner[c] = v;
                        if (v != 0) {
                            boolean seen = false;
                            for (int k = 0; k < nd && !seen; k++) {
                                seen = distinct[k] == v;
                            }
                            if (!seen) {
                                distinct[nd++] = v;
                            }
                        }
                    }
                    for (int k = 0; k < nd; k++) {
                        int label = distinct[k];
                        int mask = 0;
                        for (int c = 0; c < 8; c++) {
                            if (corner[c] == label) {
                                mask |= 1 << c;
                            }
                        }
                        int[] tris = CubeCases.triangles(mask);
                        Builder b = built[label];
                        if (b == null) {
                            b = built[label] = new Builder();
                        }
                        for (int t = 0; t < tris.length; t++) {
                            int e = tris[t];
                            int slot = corner[EDGE_LOW[e]] == label ? 0 : 1;
                            int ox = x + EDGE_OX[e];
                            int oy = y + EDGE_OY[e];
                            int[] slots;
                            switch (EDGE_AXIS[e]) {
                                case 0 -> slots = EDGE_OZ[e] == 0 ? xb : xt;
                                case 1 -> slots = EDGE_OZ[e] == 0 ? yb : yt;
                                default -> slots = zEdges;
                            }
                            int at = (oy * nx + ox) * 2 + slot;
                            int vi = slots[at];
                            if (vi < 0) {
                                int a = EDGE_AXIS[e];
                                vi = b.vertex(2 * ox + (a == 0 ? 1 : 0), 2 * oy + (a == 1 ? 1 : 0), 2 * (z + EDGE_OZ[e]) + (a == 2 ? 1 : 0));
                                slots[at] = vi;
                            }
                            b.corner(vi);
                        }
                    }
                }
            }
        }
        Surface[] out = new Surface[labels + 1];
        for (int l = 1; l <= labels; l++) {
            if (built[l] != null) {
                out[l] = new Surface(built[l].xyz, built[l].vertices, built[l].tris, built[l].corners / 3);
            }
        }
        return out;
    }

    private static final class Builder {
        int[] xyz = new int[96];
        int vertices;
        int[] tris = new int[96];
        int corners;

        int vertex(int x, int y, int z) {
            if (vertices * 3 + 3 > xyz.length) {
                xyz = Arrays.copyOf(xyz, xyz.length * 2);
            }
            xyz[vertices * 3] = x;
            xyz[vertices * 3 + 1] = y;
            xyz[vertices * 3 + 2] = z;
            return vertices++;
        }

        void corner(int v) {
            if (corners == tris.length) {
                tris = Arrays.copyOf(tris, tris.length * 2);
            }
            tris[corners++] = v;
        }
    }
}
