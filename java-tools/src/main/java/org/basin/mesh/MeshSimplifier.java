package org.basin.mesh;

import java.util.Arrays;

/**
 * Quadric edge collapse (Garland and Heckbert 1997) with a hard error bound {@code E}: a collapse of edge (u, v) to a
 * point p is done only when
 * <ul>
 * <li>p lies within E of the plane of every original triangle merged into u or v: the unweighted quadric is the sum
 * of the squared distances to those planes, so its value at p bounds the largest of them (cost &le; E&sup2;);</li>
 * <li>p lies within E of the original surface: each vertex carries a bound D on its distance from it (0 for an
 * original vertex), and D(p) = min(|p - u| + D(u), |p - v| + D(v)) must stay within E;</li>
 * <li>neither vertex is frozen (block-boundary vertices; an edge with one frozen end collapses onto that end, so a
 * frozen vertex never moves), the link condition holds (the mesh stays a manifold) and no triangle flips or
 * degenerates.</li>
 * </ul>
 * Collapses run in passes of rising cost thresholds (flat first), the way Forstmann's fast simplification orders them
 * without a heap.
 */
public final class MeshSimplifier {
    private static final double[] SCHEDULE = {1e-12, 1e-4, 1e-3, 0.01, 0.04, 0.1, 0.2, 0.35, 0.55, 0.8, 1, 1, 1, 1};

    private final double[] pos;
    private final int[] tri;
    private final int nt;
    private final boolean[] frozen;
    private final double e2;
    private final double maxError;
    private final double[] q;
    private final double[] dist;
    private final boolean[] dead;
    private final boolean[] dirty;
    private final double[] cost;
    private int[] refStart;
    private int[] refCount;
    private int[] refTri = new int[0];
    private int refs;
    private final int[] mark;
    private int stamp;
    private final double minArea2;

    /** A simplified mesh: positions x, y, z interleaved, counter-clockwise triangles. */
    public record Result(double[] positions, int[] triangles) {
        public int vertexCount() {
            return positions.length / 3;
        }

        public int triangleCount() {
            return triangles.length / 3;
        }
    }

    private MeshSimplifier(double[] pos, int nv, int[] tri, int nt, boolean[] frozen, double maxError) {
        this.pos = Arrays.copyOf(pos, nv * 3);
        this.tri = Arrays.copyOf(tri, nt * 3);
        this.nt = nt;
        this.frozen = frozen;
        this.maxError = maxError;
        this.e2 = maxError * maxError;
        this.q = new double[nv * 10];
        this.dist = new double[nv];
        this.dead = new boolean[nt];
        this.dirty = new boolean[nt];
        this.cost = new double[nt * 3];
        this.refStart = new int[nv];
        this.refCount = new int[nv];
        this.mark = new int[nv];
        double shortest = Double.MAX_VALUE;
        for (int t = 0; t < nt; t++) {
            double[] n = normal(t, -1, null);
            double len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
            if (len == 0) {
                continue;
            }
            shortest = Math.min(shortest, len);
            double a = n[0] / len;
            double b = n[1] / len;
            double c = n[2] / len;
            int v0 = tri[t * 3];
            double d = -(a * pos[v0 * 3] + b * pos[v0 * 3 + 1] + c * pos[v0 * 3 + 2]);
            for (int k = 0; k < 3; k++) {
                int o = tri[t * 3 + k] * 10;
                q[o] += a * a;
                q[o + 1] += a * b;
                q[o + 2] += a * c;
                q[o + 3] += a * d;
                q[o + 4] += b * b;
                q[o + 5] += b * c;
                q[o + 6] += b * d;
                q[o + 7] += c * c;
                q[o + 8] += c * d;
                q[o + 9] += d * d;
            }
        }
        // a new triangle must keep at least a millionth of the smallest original one's (doubled) area
        this.minArea2 = shortest == Double.MAX_VALUE ? 0 : 1e-6 * shortest;
    }

    /**
     * Simplifies the closed or open triangle mesh ({@code nv} positions, {@code nt} triangles; {@code frozen[v]}: v
     * must not move) within {@code maxError} (same unit as the positions). Unused vertices are dropped; the
     * survivors keep their order.
     */
    public static Result simplify(double[] positions, int nv, int[] triangles, int nt, boolean[] frozen, double maxError) {
        if (maxError < 0 || Double.isNaN(maxError)) {
            throw new IllegalArgumentException("the error bound must be 0 or more: " + maxError);
        }
        MeshSimplifier s = new MeshSimplifier(positions, nv, triangles, nt, frozen, maxError);
        if (maxError > 0) {
            s.run();
        }
        return s.result();
    }

    private void run() {
        for (int t = 0; t < nt; t++) {
            for (int j = 0; j < 3; j++) {
                cost[t * 3 + j] = edgeCost(tri[t * 3 + j], tri[t * 3 + (j + 1) % 3], null);
            }
        }
        double[] p = new double[4];
        for (int pass = 0; pass < SCHEDULE.length; pass++) {
            double threshold = SCHEDULE[pass] * e2;
            buildRefs();
            Arrays.fill(dirty, false);
            int live = 0;
            int collapses = 0;
            for (int t = 0; t < nt; t++) {
                if (dead[t]) {
                    continue;
                }
                live++;
                if (dirty[t]) {
                    continue;
                }
                for (int j = 0; j < 3; j++) {
                    if (cost[t * 3 + j] > threshold) {
                        continue;
                    }
                    int u = tri[t * 3 + j];
                    int v = tri[t * 3 + (j + 1) % 3];
                    if (frozen[v]) { // the survivor is the frozen end, if any
                        int w = u;
                        u = v;
                        v = w;
                    }
                    double c = edgeCost(u, v, p);
                    if (c > threshold || !canCollapse(u, v, p)) {
                        continue;
                    }
                    collapse(u, v, p);
                    collapses++;
                    break;
                }
            }
            if (SCHEDULE[pass] == 1 && collapses < live / 200) {
                break;
            }
        }
    }

    /** The smallest feasible cost of collapsing (u, v), its point in {@code best} (x, y, z, D); infinite if none. */
    private double edgeCost(int u, int v, double[] best) {
        if (frozen[u] && frozen[v]) {
            return Double.POSITIVE_INFINITY;
        }
        double[] k = new double[10];
        for (int i = 0; i < 10; i++) {
            k[i] = q[u * 10 + i] + q[v * 10 + i];
        }
        double bestCost = Double.POSITIVE_INFINITY;
        double bestBound = Double.POSITIVE_INFINITY;
        double[] cand = new double[3];
        int choices = frozen[u] || frozen[v] ? 1 : 4;
        for (int c = 0; c < choices; c++) {
            int keep = frozen[v] ? v : u;
            switch (c) {
                case 0 -> {
                    cand[0] = pos[keep * 3];
                    cand[1] = pos[keep * 3 + 1];
                    cand[2] = pos[keep * 3 + 2];
                }
                case 1 -> {
                    cand[0] = pos[v * 3];
                    cand[1] = pos[v * 3 + 1];
                    cand[2] = pos[v * 3 + 2];
                }
                case 2 -> {
                    for (int a = 0; a < 3; a++) {
                        cand[a] = 0.5 * (pos[u * 3 + a] + pos[v * 3 + a]);
                    }
                }
                default -> {
                    if (!optimum(k, cand)) {
                        continue;
                    }
                }
            }
            double err = Math.max(0, quadric(k, cand));
            double bound = Math.min(distance(cand, u) + dist[u], distance(cand, v) + dist[v]);
            if (err > e2 || bound > maxError) {
                continue;
            }
            if (err < bestCost || (err == bestCost && bound < bestBound)) {
                bestCost = err;
                bestBound = bound;
                if (best != null) {
                    best[0] = cand[0];
                    best[1] = cand[1];
                    best[2] = cand[2];
                    best[3] = bound;
                }
            }
        }
        return bestCost;
    }

    private double distance(double[] p, int v) {
        double dx = p[0] - pos[v * 3];
        double dy = p[1] - pos[v * 3 + 1];
        double dz = p[2] - pos[v * 3 + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    private static double quadric(double[] k, double[] p) {
        double x = p[0];
        double y = p[1];
        double z = p[2];
        return k[0] * x * x + 2 * k[1] * x * y + 2 * k[2] * x * z + 2 * k[3] * x + k[4] * y * y + 2 * k[5] * y * z + 2 * k[6] * y
                + k[7] * z * z + 2 * k[8] * z + k[9];
    }

    /** The point minimising the quadric, when its 3x3 part is well conditioned. */
    private static boolean optimum(double[] k, double[] out) {
        double a = k[0];
        double b = k[1];
        double c = k[2];
        double d = k[4];
        double e = k[5];
        double f = k[7];
        double det = a * (d * f - e * e) - b * (b * f - c * e) + c * (b * e - c * d);
        double scale = a + d + f;
        if (Math.abs(det) <= 1e-6 * scale * scale * scale) {
            return false;
        }
        double r0 = -k[3];
        double r1 = -k[6];
        double r2 = -k[8];
        out[0] = (r0 * (d * f - e * e) - b * (r1 * f - e * r2) + c * (r1 * e - d * r2)) / det;
        out[1] = (a * (r1 * f - e * r2) - r0 * (b * f - c * e) + c * (b * r2 - r1 * c)) / det;
        out[2] = (a * (d * r2 - r1 * e) - b * (b * r2 - r1 * c) + r0 * (b * e - c * d)) / det;
        return true;
    }

    private void buildRefs() {
        int nv = refStart.length;
        Arrays.fill(refCount, 0);
        int live = 0;
        for (int t = 0; t < nt; t++) {
            if (!dead[t]) {
                live++;
                for (int k = 0; k < 3; k++) {
                    refCount[tri[t * 3 + k]]++;
                }
            }
        }
        int total = 0;
        for (int v = 0; v < nv; v++) {
            refStart[v] = total;
            total += refCount[v];
            refCount[v] = 0;
        }
        if (refTri.length < total * 2) {
            refTri = new int[Math.max(total * 2, 16)];
        }
        for (int t = 0; t < nt; t++) {
            if (!dead[t]) {
                for (int k = 0; k < 3; k++) {
                    int v = tri[t * 3 + k];
                    refTri[refStart[v] + refCount[v]++] = t;
                }
            }
        }
        refs = total;
    }

    /** The link condition, a floor of three triangles at the survivor, and no flipped or degenerate triangle. */
    private boolean canCollapse(int s, int r, double[] p) {
        stamp++;
        if (stamp == Integer.MAX_VALUE) {
            Arrays.fill(mark, 0);
            stamp = 1;
        }
        int sharedThird0 = -1;
        int sharedThird1 = -1;
        int shared = 0;
        int liveS = 0;
        int liveR = 0;
        for (int i = refStart[s]; i < refStart[s] + refCount[s]; i++) {
            int t = refTri[i];
            if (dead[t]) {
                continue;
            }
            liveS++;
            boolean hasR = false;
            for (int k = 0; k < 3; k++) {
                int w = tri[t * 3 + k];
                hasR |= w == r;
                if (w != s) {
                    mark[w] = stamp;
                }
            }
            if (hasR) {
                shared++;
                int third = tri[t * 3] + tri[t * 3 + 1] + tri[t * 3 + 2] - s - r;
                if (sharedThird0 < 0) {
                    sharedThird0 = third;
                } else {
                    sharedThird1 = third;
                }
            } else if (!keepsOrientation(t, s, p)) {
                return false;
            }
        }
        for (int i = refStart[r]; i < refStart[r] + refCount[r]; i++) {
            int t = refTri[i];
            if (dead[t]) {
                continue;
            }
            liveR++;
            boolean hasS = false;
            for (int k = 0; k < 3; k++) {
                hasS |= tri[t * 3 + k] == s;
            }
            if (hasS) {
                continue;
            }
            for (int k = 0; k < 3; k++) {
                int w = tri[t * 3 + k];
                if (w != r && mark[w] == stamp && w != sharedThird0 && w != sharedThird1) {
                    return false; // a common neighbour off the edge's triangles: the collapse would pinch the surface
                }
            }
            if (!keepsOrientation(t, r, p)) {
                return false;
            }
        }
        return shared > 0 && liveS + liveR - 2 * shared >= 3;
    }

    /** Whether triangle t keeps its facing (and some area) when its vertex {@code moved} goes to p. */
    private boolean keepsOrientation(int t, int moved, double[] p) {
        double[] before = normal(t, -1, null);
        double[] after = normal(t, moved, p);
        double dot = before[0] * after[0] + before[1] * after[1] + before[2] * after[2];
        double lenA = Math.sqrt(after[0] * after[0] + after[1] * after[1] + after[2] * after[2]);
        double lenB = Math.sqrt(before[0] * before[0] + before[1] * before[1] + before[2] * before[2]);
        return lenA > minArea2 && dot > 0.05 * lenA * lenB;
    }

    /** The (unnormalised, twice the area) normal of triangle t, with vertex {@code moved} at p when moved >= 0. */
    private double[] normal(int t, int moved, double[] p) {
        double[] v = new double[9];
        for (int k = 0; k < 3; k++) {
            int w = tri[t * 3 + k];
            for (int a = 0; a < 3; a++) {
                v[k * 3 + a] = w == moved ? p[a] : pos[w * 3 + a];
            }
        }
        double ux = v[3] - v[0];
        double uy = v[4] - v[1];
        double uz = v[5] - v[2];
        double wx = v[6] - v[0];
        double wy = v[7] - v[1];
        double wz = v[8] - v[2];
        return new double[] {uy * wz - uz * wy, uz * wx - ux * wz, ux * wy - uy * wx};
    }

    private void collapse(int s, int r, double[] p) {
        pos[s * 3] = p[0];
        pos[s * 3 + 1] = p[1];
        pos[s * 3 + 2] = p[2];
        dist[s] = frozen[s] ? dist[s] : p[3];
        for (int i = 0; i < 10; i++) {
            q[s * 10 + i] += q[r * 10 + i];
        }
        int need = refs + refCount[s] + refCount[r];
        if (need > refTri.length) {
            refTri = Arrays.copyOf(refTri, Math.max(need, refTri.length * 2));
        }
        int start = refs;
        for (int i = refStart[s]; i < refStart[s] + refCount[s]; i++) {
            int t = refTri[i];
            if (!dead[t] && !has(t, r)) {
                refTri[refs++] = t;
            }
        }
        for (int i = refStart[r]; i < refStart[r] + refCount[r]; i++) {
            int t = refTri[i];
            if (dead[t]) {
                continue;
            }
            if (has(t, s)) {
                dead[t] = true;
                continue;
            }
            for (int k = 0; k < 3; k++) {
                if (tri[t * 3 + k] == r) {
                    tri[t * 3 + k] = s;
                }
            }
            refTri[refs++] = t;
        }
        refCount[r] = 0;
        refStart[s] = start;
        refCount[s] = refs - start;
        for (int i = start; i < refs; i++) {
            int t = refTri[i];
            dirty[t] = true;
            for (int j = 0; j < 3; j++) {
                cost[t * 3 + j] = edgeCost(tri[t * 3 + j], tri[t * 3 + (j + 1) % 3], null);
            }
        }
    }

    private boolean has(int t, int v) {
        return tri[t * 3] == v || tri[t * 3 + 1] == v || tri[t * 3 + 2] == v;
    }

    private Result result() {
        int nv = pos.length / 3;
        int[] map = new int[nv];
        Arrays.fill(map, -1);
        int live = 0;
        for (int t = 0; t < nt; t++) {
            if (!dead[t]) {
                live++;
                for (int k = 0; k < 3; k++) {
                    map[tri[t * 3 + k]] = 0;
                }
            }
        }
        int kept = 0;
        for (int v = 0; v < nv; v++) {
            if (map[v] == 0) {
                map[v] = kept++;
            }
        }
        double[] outPos = new double[kept * 3];
        for (int v = 0; v < nv; v++) {
            if (map[v] >= 0) {
                System.arraycopy(pos, v * 3, outPos, map[v] * 3, 3);
            }
        }
        int[] outTri = new int[live * 3];
        int o = 0;
        for (int t = 0; t < nt; t++) {
            if (!dead[t]) {
                for (int k = 0; k < 3; k++) {
                    outTri[o++] = map[tri[t * 3 + k]];
                }
            }
        }
        return new Result(outPos, outTri);
    }
}
