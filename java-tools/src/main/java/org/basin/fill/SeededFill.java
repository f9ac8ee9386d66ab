package org.basin.fill;

import java.util.Arrays;

/**
 * Dense labels that stay local: every background voxel (label 0) within {@code maxDistance} steps (6-connected,
 * through background) of a segment takes a segment's label. A voxel at distance d takes the label of its neighbour at
 * distance d - 1 joined to it by the highest affinity (ties: the first in the fixed order -z, -y, -x, +x, +y, +z).
 * Both the distance and that choice depend only on voxels within d steps, so a block read with a halo of
 * {@code maxDistance} computes its own voxels exactly as the whole volume would: chunked equals unchunked.
 * Voxels farther than {@code maxDistance} from every segment (large empty regions) stay background.
 */
public final class SeededFill {
    private SeededFill() {
    }

    /**
     * Fills {@code labels} (z, y, x over {@code shape}) in place from the affinities {@code aff} (3 channels in basin's
     * convention: {@code aff[c][v]} joins v and v - e_c). Returns the number of voxels filled.
     */
    public static long fill(long[] labels, float[] aff, int[] shape, int maxDistance) {
        int nz = shape[0];
        int ny = shape[1];
        int nx = shape[2];
        int n = nz * ny * nx;
        if (labels.length != n || aff.length != 3L * n) {
            throw new IllegalArgumentException("labels " + labels.length + " / affinities " + aff.length + " do not match shape " + Arrays.toString(shape));
        }
        if (maxDistance <= 0) {
            return 0;
        }
        int sxy = ny * nx;
        // dist: 0 for segment voxels, d for voxels filled at step d, -1 unreached background
        int[] dist = new int[n];
        int[] frontier = new int[64];
        int fsize = 0;
        for (int v = 0; v < n; v++) {
            if (labels[v] == 0) {
                dist[v] = -1;
            }
        }
        // the first layer: background voxels next to a segment
        int[] next = new int[64];
        long filled = 0;
        for (int d = 1; d <= maxDistance; d++) {
            int nsize = 0;
            if (d == 1) {
                for (int v = 0; v < n; v++) {
                    if (dist[v] == -1 && touches(dist, v, 0, nx, ny, nz, sxy)) {
                        if (nsize == next.length) {
                            next = Arrays.copyOf(next, nsize * 2);
                        }
                        next[nsize++] = v;
                    }
                }
            } else {
                for (int i = 0; i < fsize; i++) {
                    int u = frontier[i];
                    int x = u % nx;
                    int y = (u / nx) % ny;
                    int z = u / sxy;
                    for (int k = 0; k < 6; k++) {
                        int w = neighbour(u, k, x, y, z, nx, ny, nz, sxy);
                        if (w >= 0 && dist[w] == -1) {
                            dist[w] = -2; // queued for this layer
                            if (nsize == next.length) {
                                next = Arrays.copyOf(next, nsize * 2);
                            }
                            next[nsize++] = w;
                        }
                    }
                }
            }
            if (nsize == 0) {
                break;
            }
            // choose each new voxel's label from the previous layer before any of this layer is marked
            long[] chosen = new long[nsize];
            for (int i = 0; i < nsize; i++) {
                int v = next[i];
                int x = v % nx;
                int y = (v / nx) % ny;
                int z = v / sxy;
                float best = Float.NaN;
                long label = 0;
                for (int k = 0; k < 6; k++) {
                    int w = neighbour(v, k, x, y, z, nx, ny, nz, sxy);
                    if (w >= 0 && dist[w] == d - 1) {
                        float a = edge(aff, n, v, w, k);
                        if (label == 0 || a > best) { // the first candidate always counts, whatever its affinity (NaN, -inf)
                            best = a;
                            label = labels[w];
                        }
                    }
                }
                chosen[i] = label;
            }
            for (int i = 0; i < nsize; i++) {
                labels[next[i]] = chosen[i];
                dist[next[i]] = d;
            }
            filled += nsize;
            int[] t = frontier;
            frontier = next;
            next = t;
            fsize = nsize;
        }
        return filled;
    }

    private static boolean touches(int[] dist, int v, int d, int nx, int ny, int nz, int sxy) {
        int x = v % nx;
        int y = (v / nx) % ny;
        int z = v / sxy;
        for (int k = 0; k < 6; k++) {
            int w = neighbour(v, k, x, y, z, nx, ny, nz, sxy);
            if (w >= 0 && dist[w] == d) {
                return true;
            }
        }
        return false;
    }

    /** Neighbour k of v in the order -z, -y, -x, +x, +y, +z; -1 outside the box. */
    private static int neighbour(int v, int k, int x, int y, int z, int nx, int ny, int nz, int sxy) {
        return switch (k) {
            case 0 -> z > 0 ? v - sxy : -1;
            case 1 -> y > 0 ? v - nx : -1;
            case 2 -> x > 0 ? v - 1 : -1;
            case 3 -> x < nx - 1 ? v + 1 : -1;
            case 4 -> y < ny - 1 ? v + nx : -1;
            default -> z < nz - 1 ? v + sxy : -1;
        };
    }

    /** The affinity of the edge between v and its neighbour w = neighbour k. */
    private static float edge(float[] aff, int n, int v, int w, int k) {
        return switch (k) {
            case 0 -> aff[v];
            case 1 -> aff[n + v];
            case 2 -> aff[2 * n + v];
            case 3 -> aff[2 * n + w];
            case 4 -> aff[n + w];
            default -> aff[w];
        };
    }
}
