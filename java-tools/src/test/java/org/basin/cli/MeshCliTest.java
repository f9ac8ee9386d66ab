package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** basin mesh through the command line: blocks, manifests, the bytes Neuroglancer reads, obj / ply export. */
class MeshCliTest {
    @TempDir
    Path dir;

    /** A ball (id 5) cut by every block face of a 2x2x2 grid, a slab (id 2^63 + 7, past the signed range) in one block. */
    private Path segmentation() {
        int[] shape = {12, 14, 16};
        long[] v = new long[12 * 14 * 16];
        for (int z = 0; z < 12; z++) {
            for (int y = 0; y < 14; y++) {
                for (int x = 0; x < 16; x++) {
                    double r2 = (z - 5.5) * (z - 5.5) + (y - 7) * (y - 7) + (x - 8) * (x - 8);
                    v[(z * 14 + y) * 16 + x] = r2 <= 16 ? 5 : (x < 3 && y < 3 && z < 4 ? Long.MIN_VALUE + 7 : 0);
                }
            }
        }
        Path f = dir.resolve("seg.h5");
        Hdf5Files.write(f, Map.of("voxel_size", new double[] {40, 4, 4}), List.of(Hdf5Files.Entry.of("seg", Block.of(v, Box.ofShape(shape)))), false);
        return f;
    }

    /** The legacy fragment format read straight from the spec: uint32 n, n x (3 float32), then uint32 triples, LE. */
    record Fragment(float[] v, int[] t) {
    }

    static Fragment readFragment(Path p) throws Exception {
        byte[] b = Files.readAllBytes(p);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = bb.getInt();
        assertTrue((b.length - 4 - 12L * n) % 12 == 0, p + ": the bytes after the vertices are not whole triangles");
        float[] v = new float[n * 3];
        for (int i = 0; i < v.length; i++) {
            v[i] = bb.getFloat();
        }
        int[] t = new int[(b.length - 4 - 12 * n) / 4];
        for (int i = 0; i < t.length; i++) {
            t[i] = bb.getInt();
            assertTrue(t[i] >= 0 && t[i] < n);
        }
        return new Fragment(v, t);
    }

    @Test
    void blocksManifestsAndExport() throws Exception {
        Path seg = segmentation();
        Path meshes = dir.resolve("meshes");
        List<String> lists = new ArrayList<>();
        // one task may do several blocks (each its own fragments), as the pipeline's --mesh_batch groups them
        for (String blocks : new String[] {"0,0,0 1,0,0 0,1,0 1,1,0", "0,0,1", "1,0,1", "0,1,1,1,1,1"}) {
            Path list = dir.resolve("lists/" + blocks.replace(',', '_').replace(' ', '-') + ".tsv");
            List<String> args = new ArrayList<>(List.of("mesh", "--segmentation", seg.toString(), "--segmentation-dataset", "seg", "--chunk",
                    "8,7,6", "--meshes", meshes.toString(), "--fragments-output", list.toString(), "--max-error", "3", "--grid-block"));
            args.addAll(List.of(blocks.split(" ")));
            CliTest.Run r = CliTest.run(args.toArray(new String[0]));
            assertEquals(0, r.code(), r.err());
            lists.add(list.toString());
        }
        assertEquals("{\"@type\":\"neuroglancer_legacy_mesh\"}", Files.readString(meshes.resolve("info")).replaceAll("\\s", ""));
        assertFalse(Files.exists(meshes.resolve("5:0")), "no manifest before the manifest step");
        CliTest.Run m = CliTest.run("mesh", "--manifests", "--fragment-lists", dir.resolve("lists").toString(), "--meshes", meshes.toString());
        assertEquals(0, m.code(), m.err());
        assertTrue(m.err().contains("2 manifests (8 fragments) from 4 block tables"), m.err());

        Map<String, Object> manifest = Json.parse(Files.readString(meshes.resolve("5:0")), "5:0");
        @SuppressWarnings("unchecked")
        List<String> fragments = (List<String>) manifest.get("fragments");
        assertEquals(7, fragments.size()); // the ball meets all eight chunks; the last block holds two of them
        assertTrue(fragments.contains("5:0:0-16_7-14_6-12"), fragments.toString());
        assertTrue(fragments.contains("5:0:0-8_0-7_0-6"), fragments.toString());
        List<String> big = (List<String>) Json.parse(Files.readString(meshes.resolve("9223372036854775815:0")), "m").get("fragments");
        assertEquals(List.of("9223372036854775815:0:0-8_0-7_0-6"), big);

        // the pieces, read per the spec, meet exactly: joined by value every edge has two triangles
        Map<String, Integer> index = new HashMap<>();
        List<int[]> joinedT = new ArrayList<>();
        double minZ = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        for (String f : fragments) {
            Fragment fr = readFragment(meshes.resolve(f));
            int[] map = new int[fr.v().length / 3];
            for (int i = 0; i < map.length; i++) {
                String key = fr.v()[i * 3] + "," + fr.v()[i * 3 + 1] + "," + fr.v()[i * 3 + 2];
                map[i] = index.computeIfAbsent(key, k -> index.size());
                minZ = Math.min(minZ, fr.v()[i * 3 + 2]);
                maxX = Math.max(maxX, fr.v()[i * 3]);
            }
            for (int i = 0; i < fr.t().length; i += 3) {
                joinedT.add(new int[] {map[fr.t()[i]], map[fr.t()[i + 1]], map[fr.t()[i + 2]]});
            }
        }
        Map<Long, Integer> edges = new HashMap<>();
        for (int[] t : joinedT) {
            for (int k = 0; k < 3; k++) {
                edges.merge((long) t[k] << 32 | t[(k + 1) % 3], 1, Integer::sum);
            }
        }
        for (Map.Entry<Long, Integer> e : edges.entrySet()) {
            long rev = (e.getKey() & 0xffffffffL) << 32 | e.getKey() >>> 32;
            assertEquals(1, e.getValue());
            assertTrue(edges.containsKey(rev), "edge without its twin across a block face");
        }
        // nm, x,y,z: the ball's centre voxel x 8 -> 32 nm, radius 4 voxels; z slices at 40 nm, lowest surface z above (5.5 - 4) * 40 - 20
        assertEquals(12 * 4.0, maxX, 4.0 + 1e-3);
        assertTrue(minZ >= 1.5 * 40 - 20 - 3 - 1e-3 && minZ < 2.5 * 40, "lowest z " + minZ);

        Path obj = dir.resolve("ball.obj");
        CliTest.Run e = CliTest.run("mesh", "--meshes", meshes.toString(), "--segment", "5", "--output", obj.toString());
        assertEquals(0, e.code(), e.err());
        List<String> lines = Files.readAllLines(obj, StandardCharsets.US_ASCII);
        long nv = lines.stream().filter(l -> l.startsWith("v ")).count();
        long nf = lines.stream().filter(l -> l.startsWith("f ")).count();
        assertEquals(index.size(), nv); // the shared block-face vertices are merged
        assertEquals(joinedT.size(), nf);
        assertEquals(2, nv - edges.size() / 2 + nf); // a closed sphere

        Path ply = dir.resolve("ball.ply");
        assertEquals(0, CliTest.run("mesh", "--meshes", meshes.toString(), "--segment", "5", "--output", ply.toString()).code());
        List<String> p = Files.readAllLines(ply, StandardCharsets.US_ASCII);
        assertEquals("ply", p.get(0));
        assertTrue(p.contains("element vertex " + nv) && p.contains("element face " + nf), p.subList(0, 10).toString());
        int header = p.indexOf("end_header");
        assertEquals(header + 1 + nv + nf, p.size());
        assertTrue(p.get(p.size() - 1).startsWith("3 "));

        // refusals name the value: a missing segment, a bad output name, an existing output
        CliTest.Run missing = CliTest.run("mesh", "--meshes", meshes.toString(), "--segment", "6", "--output", dir.resolve("x.obj").toString());
        assertEquals(3, missing.code());
        assertTrue(missing.err().contains("no mesh manifest for segment 6"), missing.err());
        CliTest.Run badName = CliTest.run("mesh", "--meshes", meshes.toString(), "--segment", "5", "--output", dir.resolve("x.stl").toString());
        assertEquals(2, badName.code());
        assertTrue(badName.err().contains("name it .obj or .ply"), badName.err());
        CliTest.Run exists = CliTest.run("mesh", "--meshes", meshes.toString(), "--segment", "5", "--output", obj.toString());
        assertEquals(2, exists.code());
        assertTrue(exists.err().contains("already exists"), exists.err());
    }

    @Test
    void wholeVolumeWritesManifestsAndAFragmentThatBreaksTheFormatIsNamed() throws Exception {
        Path seg = segmentation();
        Path meshes = dir.resolve("m");
        CliTest.Run r = CliTest.run("mesh", "--segmentation", seg.toString(), "--segmentation-dataset", "seg", "--meshes", meshes.toString(),
                "--max-error", "0");
        assertEquals(0, r.code(), r.err());
        Set<String> names = new HashSet<>();
        try (var s = Files.list(meshes)) {
            s.forEach(f -> names.add(f.getFileName().toString()));
        }
        assertEquals(Set.of("info", "5:0", "5:0:0-16_0-14_0-12", "9223372036854775815:0", "9223372036854775815:0:0-16_0-14_0-12"), names);
        Fragment f = readFragment(meshes.resolve("5:0:0-16_0-14_0-12"));
        assertTrue(f.t().length / 3 > 100);
        Files.write(meshes.resolve("5:0:0-16_0-14_0-12"), new byte[] {9, 0, 0, 0, 1, 2, 3});
        CliTest.Run bad = CliTest.run("mesh", "--meshes", meshes.toString(), "--segment", "5", "--output", dir.resolve("b.obj").toString());
        assertEquals(3, bad.code());
        assertTrue(bad.err().contains("5:0:0-16_0-14_0-12: 9 vertices need 112 bytes"), bad.err());
        assertFalse(Files.exists(dir.resolve("b.obj")));
    }
}
