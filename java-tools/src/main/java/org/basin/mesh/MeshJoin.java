package org.basin.mesh;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One object from its blocks' pieces: the pieces' vertices on shared block faces are bit-for-bit equal, so they are
 * merged by value and the joined mesh is as closed as the object.
 */
public final class MeshJoin {
    /** Vertices x, y, z interleaved; triangles as index triples. */
    public record Joined(float[] vertices, int[] triangles) {
    }

    private MeshJoin() {
    }

    public static Joined join(List<float[]> vertices, List<int[]> triangles) {
        if (vertices.size() != triangles.size()) {
            throw new IllegalArgumentException(vertices.size() + " vertex arrays for " + triangles.size() + " triangle arrays");
        }
        Map<Key, Integer> index = new HashMap<>();
        int totalV = 0;
        int totalT = 0;
        for (int i = 0; i < vertices.size(); i++) {
            totalV += vertices.get(i).length;
            totalT += triangles.get(i).length;
        }
        float[] outV = new float[totalV];
        int[] outT = new int[totalT];
        int nv = 0;
        int nt = 0;
        for (int i = 0; i < vertices.size(); i++) {
            float[] v = vertices.get(i);
            int[] map = new int[v.length / 3];
            for (int k = 0; k < map.length; k++) {
                Key key = new Key(Float.floatToIntBits(v[k * 3]), Float.floatToIntBits(v[k * 3 + 1]), Float.floatToIntBits(v[k * 3 + 2]));
                Integer at = index.get(key);
                if (at == null) {
                    at = nv++;
                    index.put(key, at);
                    System.arraycopy(v, k * 3, outV, at * 3, 3);
                }
                map[k] = at;
            }
            for (int t : triangles.get(i)) {
                outT[nt++] = map[t];
            }
        }
        return new Joined(java.util.Arrays.copyOf(outV, nv * 3), outT);
    }

    private record Key(int x, int y, int z) {
    }
}
