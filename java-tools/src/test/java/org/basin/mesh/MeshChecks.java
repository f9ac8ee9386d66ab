package org.basin.mesh;

import java.util.HashMap;
import java.util.Map;

/** Measurements on triangle meshes for the tests: closedness, enclosed volume, distances. */
final class MeshChecks {
    private MeshChecks() {
    }

    /**
     * Null when every undirected edge is in exactly two triangles and every directed edge in exactly one (closed,
     * consistently oriented); else what is wrong.
     */
    static String notWatertight(int[] tri) {
        Map<Long, Integer> directed = new HashMap<>();
        for (int t = 0; t < tri.length / 3; t++) {
            for (int k = 0; k < 3; k++) {
                long a = tri[t * 3 + k];
                long b = tri[t * 3 + (k + 1) % 3];
                if (a == b) {
                    return "triangle " + t + " repeats vertex " + a;
                }
                directed.merge(a << 32 | b, 1, Integer::sum);
            }
        }
        for (Map.Entry<Long, Integer> e : directed.entrySet()) {
            long a = e.getKey() >>> 32;
            long b = e.getKey() & 0xffffffffL;
            if (e.getValue() != 1) {
                return "directed edge " + a + "->" + b + " in " + e.getValue() + " triangles";
            }
            if (!directed.containsKey(b << 32 | a)) {
                return "edge " + a + "-" + b + " has one triangle";
            }
        }
        return null;
    }

    static double volume(float[] v, int[] tri) {
        double sum = 0;
        for (int t = 0; t < tri.length / 3; t++) {
            int a = tri[t * 3] * 3;
            int b = tri[t * 3 + 1] * 3;
            int c = tri[t * 3 + 2] * 3;
            sum += v[a] * ((double) v[b + 1] * v[c + 2] - (double) v[b + 2] * v[c + 1])
                    - v[a + 1] * ((double) v[b] * v[c + 2] - (double) v[b + 2] * v[c])
                    + v[a + 2] * ((double) v[b] * v[c + 1] - (double) v[b + 1] * v[c]);
        }
        return sum / 6;
    }

    static int eulerCharacteristic(int vertices, int[] tri) {
        java.util.Set<Long> edges = new java.util.HashSet<>();
        for (int t = 0; t < tri.length / 3; t++) {
            for (int k = 0; k < 3; k++) {
                long a = tri[t * 3 + k];
                long b = tri[t * 3 + (k + 1) % 3];
                edges.add(Math.min(a, b) << 32 | Math.max(a, b));
            }
        }
        return vertices - edges.size() + tri.length / 3;
    }

    /** The distance from point p to triangle (a, b, c) (Ericson, Real-Time Collision Detection 5.1.5). */
    static double pointTriangle(double[] p, double[] a, double[] b, double[] c) {
        double[] ab = sub(b, a);
        double[] ac = sub(c, a);
        double[] ap = sub(p, a);
        double d1 = dot(ab, ap);
        double d2 = dot(ac, ap);
        if (d1 <= 0 && d2 <= 0) {
            return norm(ap);
        }
        double[] bp = sub(p, b);
        double d3 = dot(ab, bp);
        double d4 = dot(ac, bp);
        if (d3 >= 0 && d4 <= d3) {
            return norm(bp);
        }
        double vc = d1 * d4 - d3 * d2;
        if (vc <= 0 && d1 >= 0 && d3 <= 0) {
            double t = d1 / (d1 - d3);
            return norm(sub(p, add(a, ab, t)));
        }
        double[] cp = sub(p, c);
        double d5 = dot(ab, cp);
        double d6 = dot(ac, cp);
        if (d6 >= 0 && d5 <= d6) {
            return norm(cp);
        }
        double vb = d5 * d2 - d1 * d6;
        if (vb <= 0 && d2 >= 0 && d6 <= 0) {
            double t = d2 / (d2 - d6);
            return norm(sub(p, add(a, ac, t)));
        }
        double va = d3 * d6 - d5 * d4;
        if (va <= 0 && (d4 - d3) >= 0 && (d5 - d6) >= 0) {
            double t = (d4 - d3) / ((d4 - d3) + (d5 - d6));
            return norm(sub(p, add(b, sub(c, b), t)));
        }
        double denom = 1 / (va + vb + vc);
        double v = vb * denom;
        double w = vc * denom;
        double[] q = add(add(a, ab, v), ac, w);
        return norm(sub(p, q));
    }

    /** The largest distance from a vertex of {@code from} to the surface {@code to} (brute force). */
    static double maxVertexDistance(float[] from, float[] to, int[] toTri) {
        double worst = 0;
        for (int i = 0; i < from.length / 3; i++) {
            double[] p = {from[i * 3], from[i * 3 + 1], from[i * 3 + 2]};
            double best = Double.MAX_VALUE;
            for (int t = 0; t < toTri.length / 3 && best > 0; t++) {
                best = Math.min(best, pointTriangle(p, at(to, toTri[t * 3]), at(to, toTri[t * 3 + 1]), at(to, toTri[t * 3 + 2])));
            }
            worst = Math.max(worst, best);
        }
        return worst;
    }

    static double[] at(float[] v, int i) {
        return new double[] {v[i * 3], v[i * 3 + 1], v[i * 3 + 2]};
    }

    private static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static double[] add(double[] a, double[] d, double t) {
        return new double[] {a[0] + d[0] * t, a[1] + d[1] * t, a[2] + d[2] * t};
    }

    private static double dot(double[] a, double[] b) {
        return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
