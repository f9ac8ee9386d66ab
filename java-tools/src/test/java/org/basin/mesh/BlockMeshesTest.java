package org.basin.mesh;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.junit.jupiter.api.Test;

class BlockMeshesTest {
    private static final double[] ISO = {1, 1, 1};

    /** Labels (z, y, x) of a volume, filled by f(z, y, x). */
    interface Fill {
        long at(int z, int y, int x);
    }

    static long[] volume(int[] shape, Fill f) {
        long[] v = new long[shape[0] * shape[1] * shape[2]];
        for (int z = 0; z < shape[0]; z++) {
            for (int y = 0; y < shape[1]; y++) {
                for (int x = 0; x < shape[2]; x++) {
                    v[(z * shape[1] + y) * shape[2] + x] = f.at(z, y, x);
                }
            }
        }
        return v;
    }

    static Block crop(long[] all, int[] shape, Box box) {
        int[] s = box.shape();
        long[] out = new long[s[0] * s[1] * s[2]];
        for (int z = 0; z < s[0]; z++) {
            for (int y = 0; y < s[1]; y++) {
                System.arraycopy(all, ((z + box.min(0)) * shape[1] + y + box.min(1)) * shape[2] + box.min(2), out, (z * s[1] + y) * s[2], s[2]);
            }
        }
        return Block.of(out, box);
    }

    /** The pieces of every block of a grid of {@code block}-sized cores, joined per segment. */
    static Map<Long, MeshJoin.Joined> blockwise(long[] all, int[] shape, int[] block, double[] vs, double maxError, List<BlockMeshes.Piece> sink) {
        Map<Long, List<float[]>> v = new HashMap<>();
        Map<Long, List<int[]>> t = new HashMap<>();
        for (int z = 0; z < shape[0]; z += block[0]) {
            for (int y = 0; y < shape[1]; y += block[1]) {
                for (int x = 0; x < shape[2]; x += block[2]) {
                    Box core = new Box(new int[] {z, y, x}, new int[] {Math.min(shape[0], z + block[0]), Math.min(shape[1], y + block[1]),
                        Math.min(shape[2], x + block[2])});
                    for (BlockMeshes.Piece p : BlockMeshes.mesh(crop(all, shape, BlockMeshes.readBox(core, shape)), core, shape, vs, maxError)) {
                        v.computeIfAbsent(p.segment(), k -> new ArrayList<>()).add(p.vertices());
                        t.computeIfAbsent(p.segment(), k -> new ArrayList<>()).add(p.triangles());
                        if (sink != null) {
                            sink.add(p);
                        }
                    }
                }
            }
        }
        Map<Long, MeshJoin.Joined> out = new HashMap<>();
        for (Long id : v.keySet()) {
            out.put(id, MeshJoin.join(v.get(id), t.get(id)));
        }
        return out;
    }

    static List<BlockMeshes.Piece> whole(long[] all, int[] shape, double[] vs, double maxError) {
        Box core = Box.ofShape(shape);
        return BlockMeshes.mesh(Block.of(all, core), core, shape, vs, maxError);
    }

    static long count(long[] all, long id) {
        long n = 0;
        for (long v : all) {
            n += v == id ? 1 : 0;
        }
        return n;
    }

    @Test
    void oneVoxelIsAnOctahedronOfVolumeOneSixth() {
        int[] shape = {3, 3, 3};
        long[] all = volume(shape, (z, y, x) -> z == 1 && y == 1 && x == 1 ? 7 : 0);
        List<BlockMeshes.Piece> p = whole(all, shape, new double[] {40, 4, 4}, 0);
        assertEquals(1, p.size());
        assertEquals(7, p.get(0).segment());
        assertEquals(6, p.get(0).vertexCount());
        assertEquals(8, p.get(0).triangleCount());
        assertNull(MeshChecks.notWatertight(p.get(0).triangles()));
        // an octahedron with half-voxel radii: (4/3) * 2 * 2 * 20 nm^3; vertices at voxel centre (1) +- half a voxel
        assertEquals(4.0 / 3 * 2 * 2 * 20, MeshChecks.volume(p.get(0).vertices(), p.get(0).triangles()), 1e-9);
        float[] v = p.get(0).vertices();
        double minX = Double.MAX_VALUE;
        double maxZ = -Double.MAX_VALUE;
        for (int i = 0; i < 6; i++) {
            minX = Math.min(minX, v[i * 3]);
            maxZ = Math.max(maxZ, v[i * 3 + 2]);
        }
        assertEquals(2.0, minX, 0); // x: voxel 1 at 4 nm, minus half a voxel
        assertEquals(60.0, maxZ, 0); // z: voxel 1 at 40 nm, plus half a voxel
    }

    @Test
    void sphereIsClosedGenusZeroAndEnclosesItsVoxels() {
        int[] shape = {30, 30, 30};
        long[] all = volume(shape, (z, y, x) -> (z - 14.5) * (z - 14.5) + (y - 15) * (y - 15) + (x - 14) * (x - 14) <= 100 ? 3 : 0);
        BlockMeshes.Piece p = whole(all, shape, ISO, 0).get(0);
        assertNull(MeshChecks.notWatertight(p.triangles()));
        assertEquals(2, MeshChecks.eulerCharacteristic(p.vertexCount(), p.triangles()));
        double voxels = count(all, 3);
        // the surface cuts the boundary voxels' corners: a little under the voxel count, never over
        double vol = MeshChecks.volume(p.vertices(), p.triangles());
        assertTrue(vol < voxels && vol > 0.93 * voxels, vol + " enclosed for " + voxels + " voxels");
    }

    @Test
    void boxTouchingTheVolumeFacesIsClosedThere() {
        int[] shape = {4, 5, 6};
        long[] all = volume(shape, (z, y, x) -> 9);
        BlockMeshes.Piece p = whole(all, shape, ISO, 0).get(0);
        assertNull(MeshChecks.notWatertight(p.triangles()));
        assertEquals(2, MeshChecks.eulerCharacteristic(p.vertexCount(), p.triangles()));
        // a 6x5x4 box with its 12 edges bevelled (1/8 voxel^2 each per unit length) and 8 corners cut
        double vol = MeshChecks.volume(p.vertices(), p.triangles());
        double bevels = 4 * (6 + 5 + 4) / 8.0;
        assertTrue(Math.abs(vol - (120 - bevels)) < 1.0, vol + " for a 120-voxel box");
    }

    @Test
    void twoTouchingObjectsAreEachClosedAndShareTheirInterface() {
        int[] shape = {8, 8, 12};
        long[] all = volume(shape, (z, y, x) -> z >= 2 && z < 6 && y >= 2 && y < 6 && x >= 2 && x < 10 ? (x < 6 ? 1 : 2) : 0);
        List<BlockMeshes.Piece> p = whole(all, shape, ISO, 0);
        assertEquals(2, p.size());
        java.util.Set<String> a = new java.util.HashSet<>();
        for (BlockMeshes.Piece piece : p) {
            assertNull(MeshChecks.notWatertight(piece.triangles()), "segment " + piece.segment());
            assertEquals(2, MeshChecks.eulerCharacteristic(piece.vertexCount(), piece.triangles()));
        }
        for (int i = 0; i < p.get(0).vertexCount(); i++) {
            if (p.get(0).vertices()[i * 3] == 5.5f) {
                a.add(p.get(0).vertices()[i * 3 + 1] + "," + p.get(0).vertices()[i * 3 + 2]);
            }
        }
        int common = 0;
        for (int i = 0; i < p.get(1).vertexCount(); i++) {
            if (p.get(1).vertices()[i * 3] == 5.5f && a.contains(p.get(1).vertices()[i * 3 + 1] + "," + p.get(1).vertices()[i * 3 + 2])) {
                common++;
            }
        }
        assertEquals(16, common); // the 4x4 interface's vertices at x = 5.5 belong to both
        assertEquals(MeshChecks.volume(p.get(0).vertices(), p.get(0).triangles()), MeshChecks.volume(p.get(1).vertices(), p.get(1).triangles()), 1e-9);
    }

    @Test
    void randomLabelsAreClosedForEverySegment() {
        Random r = new Random(5);
        int[] shape = {9, 10, 11};
        long[] all = volume(shape, (z, y, x) -> r.nextInt(4)); // every ambiguous case occurs
        for (BlockMeshes.Piece p : whole(all, shape, ISO, 0)) {
            assertNull(MeshChecks.notWatertight(p.triangles()), "segment " + p.segment());
        }
    }

    @Test
    void blockPiecesMeetExactlyAndTheirUnionIsClosed() {
        int[] shape = {20, 22, 24};
        long[] all = volume(shape, (z, y, x) -> (z - 9.5) * (z - 9.5) + (y - 11) * (y - 11) + (x - 12) * (x - 12) <= 64 ? 5
                : (x > 18 && y < 6 ? 6 : 0));
        for (double maxError : new double[] {0, 1.5}) {
            List<BlockMeshes.Piece> pieces = new ArrayList<>();
            Map<Long, MeshJoin.Joined> joined = blockwise(all, shape, new int[] {7, 8, 9}, new double[] {2, 1, 1}, maxError, pieces);
            assertEquals(2, joined.size());
            assertTrue(pieces.size() > 8, pieces.size() + " pieces");
            for (Map.Entry<Long, MeshJoin.Joined> e : joined.entrySet()) {
                assertNull(MeshChecks.notWatertight(e.getValue().triangles()), "segment " + e.getKey() + ", error " + maxError);
                assertEquals(2, MeshChecks.eulerCharacteristic(e.getValue().vertices().length / 3, e.getValue().triangles()));
            }
            if (maxError == 0) { // unsimplified, the union is the whole-volume mesh: same vertex set, same volume
                for (BlockMeshes.Piece w : whole(all, shape, new double[] {2, 1, 1}, 0)) {
                    MeshJoin.Joined j = joined.get(w.segment());
                    assertEquals(w.vertexCount(), j.vertices().length / 3);
                    assertEquals(w.triangleCount(), j.triangles().length / 3);
                    assertEquals(MeshChecks.volume(w.vertices(), w.triangles()), MeshChecks.volume(j.vertices(), j.triangles()), 1e-6);
                }
            }
        }
    }

    @Test
    void simplificationStaysWithinItsBoundAndReducesTriangles() {
        int[] shape = {30, 30, 30};
        long[] all = volume(shape, (z, y, x) -> (z - 14.5) * (z - 14.5) + (y - 15) * (y - 15) + (x - 14) * (x - 14) <= 11 * 11 ? 1 : 0);
        double[] vs = {8, 4, 4};
        BlockMeshes.Piece fine = whole(all, shape, vs, 0).get(0);
        for (double bound : new double[] {2, 4}) {
            BlockMeshes.Piece coarse = whole(all, shape, vs, bound).get(0);
            assertNull(MeshChecks.notWatertight(coarse.triangles()));
            assertEquals(2, MeshChecks.eulerCharacteristic(coarse.vertexCount(), coarse.triangles()));
            double worst = MeshChecks.maxVertexDistance(coarse.vertices(), fine.vertices(), fine.triangles());
            assertTrue(worst <= bound * (1 + 1e-6), "a vertex " + worst + " nm from the surface, bound " + bound);
            double factor = (double) fine.triangleCount() / coarse.triangleCount();
            assertTrue(factor > (bound == 2 ? 2.5 : 4), fine.triangleCount() + " -> " + coarse.triangleCount() + " triangles at " + bound + " nm");
            double vf = MeshChecks.volume(fine.vertices(), fine.triangles());
            double vc = MeshChecks.volume(coarse.vertices(), coarse.triangles());
            assertTrue(Math.abs(vc - vf) < 0.02 * vf, "volume " + vf + " -> " + vc);
            System.out.printf("sphere r=11 (8,4,4 nm): %d -> %d triangles (%.1fx) within %.0f nm; worst vertex %.2f nm; original to simplified %.2f nm%n",
                    fine.triangleCount(), coarse.triangleCount(), factor, bound, worst,
                    MeshChecks.maxVertexDistance(fine.vertices(), coarse.vertices(), coarse.triangles()));
        }
    }

    @Test
    void frozenBlockFacesDoNotMove() {
        int[] shape = {16, 16, 16};
        long[] all = volume(shape, (z, y, x) -> (z - 7.5) * (z - 7.5) + (y - 8) * (y - 8) + (x - 8) * (x - 8) <= 36 ? 2 : 0);
        Box core = new Box(new int[] {0, 0, 0}, new int[] {8, 16, 16});
        BlockMeshes.Piece unsimplified = BlockMeshes.mesh(crop(all, shape, BlockMeshes.readBox(core, shape)), core, shape, ISO, 0).get(0);
        BlockMeshes.Piece simplified = BlockMeshes.mesh(crop(all, shape, BlockMeshes.readBox(core, shape)), core, shape, ISO, 2).get(0);
        List<String> before = onPlane(unsimplified.vertices(), 2, 8f);
        List<String> after = onPlane(simplified.vertices(), 2, 8f);
        assertTrue(before.size() > 20);
        assertEquals(before, after);
        assertTrue(simplified.triangleCount() < unsimplified.triangleCount() / 2);
    }

    private static List<String> onPlane(float[] v, int coordinate, float value) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.length / 3; i++) {
            if (v[i * 3 + coordinate] == value) {
                out.add(v[i * 3] + "," + v[i * 3 + 1]);
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void caseTableIsOrientedAndCoversEveryCase() {
        assertEquals(0, CubeCases.triangles(0).length);
        assertEquals(0, CubeCases.triangles(255).length);
        assertEquals(3, CubeCases.triangles(1).length);
        assertArrayEquals(new int[] {0, 1}, new int[] {CubeCases.edgeLow(0), CubeCases.edgeHigh(0)});
        int total = 0;
        for (int m = 0; m < 256; m++) {
            total += CubeCases.triangles(m).length / 3;
        }
        assertEquals(820, total);
        // corners 0 and 3 are diagonal on the z = 0 face: cut off one by one, two triangles
        assertEquals(6, CubeCases.triangles(0b1001).length);
        // and their complement keeps the other two apart, so its six corners form one tube of 4 triangles
        assertEquals(12, CubeCases.triangles(0b11110110).length);
    }
}
