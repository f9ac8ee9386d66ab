package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.volume.Box;

/**
 * Neuroglancer's legacy single-resolution precomputed mesh format (neuroglancer src/datasource/precomputed/meshes.md):
 * a folder with {@code info} = {"@type": "neuroglancer_legacy_mesh"}, one JSON manifest {@code <id>:0} per segment
 * listing its fragment files, and binary fragments: uint32 vertex count, float32 x, y, z per vertex (nm in the
 * global frame), then uint32 vertex indices, three per triangle, all little endian. Keys go through a
 * {@link ChunkStore}, so every file is written whole (local: temporary name and rename) and s3:// works too.
 */
public final class PrecomputedMeshes {
    public static final String INFO = "info";

    /** A decoded fragment: vertices x, y, z interleaved (nm), triangles as vertex index triples. */
    public record Fragment(float[] vertices, int[] triangles) {
    }

    private PrecomputedMeshes() {
    }

    public static void writeInfo(ChunkStore meshes) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("@type", "neuroglancer_legacy_mesh");
        meshes.put(INFO, Json.bytes(info));
    }

    /** The fragment of segment {@code id} from the block with this core: {@code <id>:0:<x0>-<x1>_<y0>-<y1>_<z0>-<z1>}. */
    public static String fragmentName(long id, Box core) {
        return Long.toUnsignedString(id) + ":0:" + core.min(2) + "-" + core.max(2) + "_" + core.min(1) + "-" + core.max(1) + "_"
                + core.min(0) + "-" + core.max(0);
    }

    public static String manifestName(long id) {
        return Long.toUnsignedString(id) + ":0";
    }

    public static byte[] encode(float[] vertices, int[] triangles) {
        if (vertices.length % 3 != 0 || triangles.length % 3 != 0) {
            throw new IllegalArgumentException("vertices and triangles come in threes");
        }
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * vertices.length + 4 * triangles.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(vertices.length / 3);
        for (float v : vertices) {
            b.putFloat(v);
        }
        for (int t : triangles) {
            b.putInt(t);
        }
        return b.array();
    }

    /** Decodes a fragment file's bytes; a size or index that breaks the format is bad input naming {@code where}. */
    public static Fragment decode(byte[] bytes, String where) {
        if (bytes.length < 4) {
            throw BasinException.badInput(where + ": " + bytes.length + " bytes, not a mesh fragment (it starts with a uint32 vertex count)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long nv = Integer.toUnsignedLong(b.getInt());
        long rest = bytes.length - 4 - 12 * nv;
        if (rest < 0 || rest % 12 != 0) {
            throw BasinException.badInput(where + ": " + nv + " vertices need " + (4 + 12 * nv) + " bytes and a multiple of 12 after"
                    + " them (triangles); the file has " + bytes.length);
        }
        float[] v = new float[(int) nv * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        int[] t = new int[(int) (rest / 4)];
        for (int i = 0; i < t.length; i++) {
            t[i] = b.getInt();
            if (t[i] < 0 || t[i] >= nv) {
                throw BasinException.badInput(where + ": triangle " + i / 3 + " names vertex " + Integer.toUnsignedLong(t[i]) + " of " + nv);
            }
        }
        return new Fragment(v, t);
    }

    public static void writeFragment(ChunkStore meshes, String name, float[] vertices, int[] triangles) {
        meshes.put(name, encode(vertices, triangles));
    }

    public static Fragment readFragment(ChunkStore meshes, String name) {
        byte[] bytes = meshes.get(name);
        if (bytes == null) {
            throw BasinException.badInput(meshes.location(name) + ": no such mesh fragment (listed in its segment's manifest)");
        }
        return decode(bytes, meshes.location(name));
    }

    public static void writeManifest(ChunkStore meshes, long id, List<String> fragments) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("fragments", fragments);
        meshes.put(manifestName(id), (Json.write(m) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** The fragment names of segment {@code id}'s manifest; a missing one is bad input ("no mesh for segment"). */
    public static List<String> readManifest(ChunkStore meshes, long id) {
        String key = manifestName(id);
        byte[] bytes = meshes.get(key);
        if (bytes == null) {
            throw BasinException.badInput(meshes.location(key) + ": no mesh manifest for segment " + Long.toUnsignedString(id)
                    + " (not in the segmentation, or basin mesh has not written its manifests)");
        }
        Object f = Json.parse(new String(bytes, StandardCharsets.UTF_8), meshes.location(key)).get("fragments");
        if (!(f instanceof List<?> list) || !list.stream().allMatch(o -> o instanceof String)) {
            throw BasinException.badInput(meshes.location(key) + ": 'fragments' must be a list of file names; got " + f);
        }
        List<String> out = new ArrayList<>();
        list.forEach(o -> out.add((String) o));
        return out;
    }
}
