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
 * without a heap. The first pass tries only end points that lie in every plane (no stored cost); later passes cost an
 * edge when they first reach it, from one of its two triangles, and keep that cost until a collapse changes an end.
 */
public final class MeshSimplifier {
    private static final double FLAT = 1e-12;
    private static final double[] SCHEDULE = {FLAT, 0.01, 0.1, 0.4, 1, 1};

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
    private int alive;
    private final int[] mark;
    private int stamp;
    private final double minArea2;
    /** Scratch space of edgeCost and normal (one simplifier is used by one thread). */
    private final double[] k = new double[10];
    private final double[] cand = new double[3];
    /** Each triangle's normal (twice its area) and its squared length, kept current through the collapses. */
    private final double[] nrm;
    private final double[] nrm2;

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
        this.dead = new boolean[nt];
        boolean work = maxError > 0; // unsimplified: only the compaction in result() runs
        this.q = new double[work ? nv * 10 : 0];
        this.dist = new double[work ? nv : 0];
        this.dirty = new boolean[work ? nt : 0];
        this.cost = new double[work ? nt * 3 : 0];
        this.refStart = new int[work ? nv : 0];
        this.refCount = new int[work ? nv : 0];
        this.mark = new int[work ? nv : 0];
        this.nrm = new double[work ? nt * 3 : 0];
        this.nrm2 = new double[work ? nt : 0];
        if (!work) {
            this.minArea2 = 0;
            return;
        }
        double shortest = Double.MAX_VALUE;
        double[] n = new double[3];
        for (int t = 0; t < nt; t++) {
            storeNormal(t, n);
            double len = Math.sqrt(nrm2[t]);
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
        // costs are computed when a pass first needs them (NaN: not yet, or changed by a collapse)
        Arrays.fill(cost, Double.NaN);
        double[] p = new double[5];
        for (int pass = 0; pass < SCHEDULE.length; pass++) {
            double threshold = SCHEDULE[pass] * e2;
            boolean flat = SCHEDULE[pass] == FLAT;
            if (pass == 0 || refs > 6 * alive) { // compact the lists once dead triangles make up half of them
                buildRefs();
            }
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
                    int u = tri[t * 3 + j];
                    int v = tri[t * 3 + (j + 1) % 3];
                    // the mesh is oriented, so the edge's other triangle runs v -> u: only the one running from the
                    // lower index looks at it (an edge with one triangle lies on a block face: both ends are frozen)
                    if (u > v) {
                        continue;
                    }
                    double c = cost[t * 3 + j];
                    if (c > threshold) {
                        continue;
                    }
                    if (frozen[v]) { // the survivor is the frozen end, if any
                        int w = u;
                        u = v;
                        v = w;
                    }
                    if (flat) { // the flat pass: an end point that lies in every plane, no stored cost
                        c = endCost(u, v, p);
                    } else {
                        c = edgeCost(u, v, p);
                        cost[t * 3 + j] = c;
                    }
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

    /** The cheaper end point as the collapse's point (the flat pass): see {@link #ends}. */
    private double endCost(int u, int v, double[] best) {
        return ends(u, v, distance(u, v), best);
    }

    /**
     * The cheaper of the two end points of (u, v), {@code len} apart, as the collapse's point, into {@code best} (x, y,
     * z, D, cost); infinite if neither is feasible. Leaves the edge's summed quadric in {@code k}.
     */
    private double ends(int u, int v, double len, double[] best) {
        if (frozen[u] && frozen[v]) {
            return Double.POSITIVE_INFINITY;
        }
        double[] k = this.k;
        for (int i = 0; i < 10; i++) {
            k[i] = q[u * 10 + i] + q[v * 10 + i];
        }
        best[0] = Double.NaN;
        best[4] = Double.POSITIVE_INFINITY; // cost
        if (!frozen[v]) { // u may stay where it is
            consider(best, pos[u * 3], pos[u * 3 + 1], pos[u * 3 + 2], Math.min(dist[u], len + dist[v]));
        }
        if (!frozen[u]) {
            consider(best, pos[v * 3], pos[v * 3 + 1], pos[v * 3 + 2], Math.min(len + dist[u], dist[v]));
        }
        return best[4];
    }

    private double distance(int u, int v) {
        double dx = pos[u * 3] - pos[v * 3];
        double dy = pos[u * 3 + 1] - pos[v * 3 + 1];
        double dz = pos[u * 3 + 2] - pos[v * 3 + 2];
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** The smallest feasible cost of collapsing (u, v): the end points, the midpoint and the quadric's optimum. */
    private double edgeCost(int u, int v, double[] best) {
        double len = distance(u, v);
        double ends = ends(u, v, len, best);
        if (frozen[u] || frozen[v] || ends <= FLAT * e2) {
            return ends; // a frozen end stays put; an end point that costs nothing cannot be beaten
        }
        double ux = pos[u * 3];
        double uy = pos[u * 3 + 1];
        double uz = pos[u * 3 + 2];
        double vx = pos[v * 3];
        double vy = pos[v * 3 + 1];
        double vz = pos[v * 3 + 2];
        consider(best, 0.5 * (ux + vx), 0.5 * (uy + vy), 0.5 * (uz + vz), 0.5 * len + Math.min(dist[u], dist[v]));
        double[] c = this.cand;
        if (optimum(k, c)) {
            double du = Math.sqrt((c[0] - ux) * (c[0] - ux) + (c[1] - uy) * (c[1] - uy) + (c[2] - uz) * (c[2] - uz));
            double dv = Math.sqrt((c[0] - vx) * (c[0] - vx) + (c[1] - vy) * (c[1] - vy) + (c[2] - vz) * (c[2] - vz));
            consider(best, c[0], c[1], c[2], Math.min(du + dist[u], dv + dist[v]));
        }
        return best[4];
    }

    /** Takes point (x, y, z) with distance bound {@code bound} into {@code best} when it is feasible and cheaper. */
    private void consider(double[] best, double x, double y, double z, double bound) {
        if (bound > maxError) {
            return;
        }
        double[] k = this.k;
        double err = Math.max(0, k[0] * x * x + 2 * k[1] * x * y + 2 * k[2] * x * z + 2 * k[3] * x + k[4] * y * y + 2 * k[5] * y * z
                + 2 * k[6] * y + k[7] * z * z + 2 * k[8] * z + k[9]);
        if (err > e2 || err > best[4] || (err == best[4] && bound >= best[3])) {
            return;
        }
        best[0] = x;
        best[1] = y;
        best[2] = z;
        best[3] = bound;
        best[4] = err;
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
        alive = live;
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
        int a = tri[t * 3];
        int b = tri[t * 3 + 1];
        int c = tri[t * 3 + 2];
        double ax = a == moved ? p[0] : pos[a * 3];
        double ay = a == moved ? p[1] : pos[a * 3 + 1];
        double az = a == moved ? p[2] : pos[a * 3 + 2];
        double ux = (b == moved ? p[0] : pos[b * 3]) - ax;
        double uy = (b == moved ? p[1] : pos[b * 3 + 1]) - ay;
        double uz = (b == moved ? p[2] : pos[b * 3 + 2]) - az;
        double wx = (c == moved ? p[0] : pos[c * 3]) - ax;
        double wy = (c == moved ? p[1] : pos[c * 3 + 1]) - ay;
        double wz = (c == moved ? p[2] : pos[c * 3 + 2]) - az;
        double nx = uy * wz - uz * wy;
        double ny = uz * wx - ux * wz;
        double nz = ux * wy - uy * wx;
        double dot = nx * nrm[t * 3] + ny * nrm[t * 3 + 1] + nz * nrm[t * 3 + 2];
        double after2 = nx * nx + ny * ny + nz * nz;
        // |after| > minArea2 and the angle to the old normal under ~87 degrees (cos > 0.05), without square roots
        return after2 > minArea2 * minArea2 && dot > 0 && dot * dot > 0.0025 * after2 * nrm2[t];
    }

    /** The (unnormalised, twice the area) normal of triangle t into {@code out}. */
    private void normal(int t, double[] out) {
        int a = tri[t * 3];
        int b = tri[t * 3 + 1];
        int c = tri[t * 3 + 2];
        double ux = pos[b * 3] - pos[a * 3];
        double uy = pos[b * 3 + 1] - pos[a * 3 + 1];
        double uz = pos[b * 3 + 2] - pos[a * 3 + 2];
        double wx = pos[c * 3] - pos[a * 3];
        double wy = pos[c * 3 + 1] - pos[a * 3 + 1];
        double wz = pos[c * 3 + 2] - pos[a * 3 + 2];
        out[0] = uy * wz - uz * wy;
        out[1] = uz * wx - ux * wz;
        out[2] = ux * wy - uy * wx;
    }

    private void storeNormal(int t, double[] scratch) {
        normal(t, scratch);
        nrm[t * 3] = scratch[0];
        nrm[t * 3 + 1] = scratch[1];
        nrm[t * 3 + 2] = scratch[2];
        nrm2[t] = scratch[0] * scratch[0] + scratch[1] * scratch[1] + scratch[2] * scratch[2];
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
                alive--;
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
            storeNormal(t, cand);
            dirty[t] = true; // not looked at again in this pass, so its costs are recomputed when the next one reaches it
            // the edges at s change cost; the third edge's ends and their quadrics are as they were
            int a = tri[t * 3];
            int b = tri[t * 3 + 1];
            int c = tri[t * 3 + 2];
            if (a == s || b == s) {
                cost[t * 3] = Double.NaN;
            }
            if (b == s || c == s) {
                cost[t * 3 + 1] = Double.NaN;
            }
            if (c == s || a == s) {
                cost[t * 3 + 2] = Double.NaN;
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
