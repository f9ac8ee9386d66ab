package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files basin writes open in h5py / zarr-python with the same values, and files those write open in basin.
 * Skipped, with the reason printed, where /usr/bin/python3 lacks h5py, zarr or numpy (.ci/run installs them).
 */
class InteropTest {
    static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

    @TempDir
    Path dir;

    @BeforeAll
    static void needPython() throws Exception {
        String why = null;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import h5py, zarr, numpy").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                why = out.trim();
            }
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (why != null) {
            System.out.println("SKIPPED InteropTest: python3 with h5py, zarr and numpy is needed (" + why + ")");
        }
        Assumptions.assumeTrue(why == null, "python3 with h5py, zarr, numpy not available");
    }

    static String python(String script) throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.trim();
    }

    /** The value every interop file holds at (c, z, y, x), in Python and Java alike. */
    static final String FORMULA = "((c * 7 + z * 131 + y * 17 + x * 3) % 251)";

    static Block formula(DType t, int channels, int[] shape) {
        Block b = channels > 0 ? Block.allocate(t, channels, Box.ofShape(shape)) : Block.allocate(t, Box.ofShape(shape));
        for (int i = 0; i < b.length(); i++) {
            int[] p = b.position(i);
            long v = (p[0] * 7L + p[1] * 131L + p[2] * 17L + p[3] * 3L) % 251;
            if (t == DType.UINT64) {
                b.setLong(i, v + (1L << 40));
            } else if (t.isFloating()) {
                b.setDouble(i, v / 4.0);
            } else {
                b.setLong(i, v);
            }
        }
        return b;
    }

    @Test
    void basinFilesOpenInH5pyAndZarrWithTheSameValues() throws Exception {
        int[] shape = {9, 70, 66};
        Hdf5Files.write(dir.resolve("b.h5"), Map.of("voxel_size", new double[] {40, 4, 4}), List.of(
                Hdf5Files.Entry.of("u8", formula(DType.UINT8, 0, shape)),
                Hdf5Files.Entry.of("u32", formula(DType.UINT32, 0, shape)),
                Hdf5Files.Entry.of("u64", formula(DType.UINT64, 0, shape)),
                Hdf5Files.Entry.of("aff", formula(DType.FLOAT32, 3, shape))), true);
        for (String codec : new String[] {"zlib", "gzip", "zstd", "none"}) {
            ZarrArray a = OmeZarr.create(dir.resolve(codec + ".zarr"), codec, DType.UINT64, 0, shape, new int[] {4, 32, 32},
                    ZarrCodec.parse(codec), new double[] {40, 4, 4}, Map.of());
            a.write(formula(DType.UINT64, 0, shape));
        }
        ZarrArray f = ZarrArray.create(dir.resolve("f.zarr"), DType.FLOAT32, 3, shape, new int[] {5, 33, 20}, ZarrCodec.parse("zlib"), ".", Map.of());
        f.write(formula(DType.FLOAT32, 3, shape));
        String out = python("import h5py, zarr, numpy as np\n"
                + "c, z, y, x = np.ogrid[0:3, 0:9, 0:70, 0:66]\n"
                + "v = " + FORMULA + "\n"
                + "h = h5py.File('" + dir.resolve("b.h5") + "', 'r')\n"
                + "assert h['u8'].dtype == np.uint8 and (h['u8'][:] == v[0]).all()\n"
                + "assert h['u32'].dtype == np.uint32 and (h['u32'][:] == v[0]).all()\n"
                + "assert h['u64'].dtype == np.uint64 and (h['u64'][:] == v[0] + (1 << 40)).all()\n"
                + "assert h['aff'].dtype == np.float32 and h['aff'].shape == (3, 9, 70, 66) and (h['aff'][:] == v / 4.0).all()\n"
                + "assert list(h.attrs['voxel_size']) == [40, 4, 4]\n"
                + "for codec in ['zlib', 'gzip', 'zstd', 'none']:\n"
                + "    g = zarr.open_group('" + dir + "/' + codec + '.zarr', mode='r')\n"
                + "    a = g['0']\n"
                + "    assert a.dtype == np.uint64 and (a[:] == v[0] + (1 << 40)).all(), codec\n"
                + "    assert g.attrs['multiscales'][0]['datasets'][0]['coordinateTransformations'][0]['scale'] == [40, 4, 4]\n"
                + "f = zarr.open('" + dir.resolve("f.zarr") + "', mode='r')\n"
                + "assert f.shape == (3, 9, 70, 66) and (f[:] == v / 4.0).all()\n"
                + "print('ok')\n");
        assertEquals("ok", out);
    }

    @Test
    void labelChunksOpenInZarrPython() throws Exception {
        // integer chunks go through basin's own zlib encoder (LabelZlib): zarr-python's zlib must read them back
        int[] shape = {9, 70, 66};
        for (DType t : new DType[] {DType.UINT64, DType.UINT32}) {
            Block b = Block.allocate(t, Box.ofShape(shape));
            for (int i = 0; i < b.length(); i++) {
                int[] p = b.position(i);
                b.setLong(i, (p[2] / 5 * 7 + (p[3] + p[2] / 2) / 9) * 1000 + p[1] / 4 + (t == DType.UINT64 ? 1L << 50 : 0)); // p: c, z, y, x
            }
            ZarrArray a = ZarrArray.create(dir.resolve(t.label() + ".zarr"), t, 0, shape, new int[] {4, 32, 32}, ZarrCodec.parse("zlib"), "/", Map.of());
            a.write(b);
            byte[] stored = Files.readAllBytes(dir.resolve(t.label() + ".zarr/0/0/0"));
            assertEquals(0b011, stored[2] & 0b111, "one final fixed-Huffman block: LabelZlib wrote it");
        }
        String out = python("import zarr, numpy as np\n"
                + "z, y, x = np.ogrid[0:9, 0:70, 0:66]\n"
                + "v = ((y // 5 * 7 + (x + y // 2) // 9) * 1000 + z // 4).astype(np.uint64)\n"
                + "a = zarr.open('" + dir.resolve(DType.UINT64.label() + ".zarr") + "', mode='r')\n"
                + "assert a.dtype == np.uint64 and (a[:] == v + (1 << 50)).all()\n"
                + "b = zarr.open('" + dir.resolve(DType.UINT32.label() + ".zarr") + "', mode='r')\n"
                + "assert b.dtype == np.uint32 and (b[:] == v).all()\n"
                + "print('ok')\n");
        assertEquals("ok", out);
    }

    @Test
    void basinsOwnHdf5WriterOpensInH5py() throws Exception {
        // deflate off: basin's own writer (contiguous datasets, version-2 headers, compact links)
        int[] shape = {9, 70, 66};
        Map<String, Object> attrs = new java.util.LinkedHashMap<>();
        attrs.put("voxel_size", new double[] {40, 4, 4});
        attrs.put("grid_position", new int[] {1, 0, 2});
        attrs.put("segments", 12L);
        attrs.put("axes", "zyx");
        Hdf5Files.write(dir.resolve("c.h5"), attrs, List.of(
                Hdf5Files.Entry.of("u8", formula(DType.UINT8, 0, shape)),
                Hdf5Files.Entry.of("labels/u32", formula(DType.UINT32, 0, shape), Map.of("unit", "id")),
                Hdf5Files.Entry.of("labels/u64", formula(DType.UINT64, 0, shape)),
                Hdf5Files.Entry.of("aff", formula(DType.FLOAT32, 3, shape)),
                Hdf5Files.Entry.table("graph/ids", DType.UINT64, new int[] {2, 2}, new long[] {1, 2, 2, 3})), false);
        String out = python("import h5py, numpy as np\n"
                + "c, z, y, x = np.ogrid[0:3, 0:9, 0:70, 0:66]\n"
                + "v = " + FORMULA + "\n"
                + "h = h5py.File('" + dir.resolve("c.h5") + "', 'r')\n"
                + "assert sorted(h.keys()) == ['aff', 'graph', 'labels', 'u8'], list(h.keys())\n"
                + "assert h['u8'].dtype == np.uint8 and (h['u8'][:] == v[0]).all()\n"
                + "assert h['labels/u32'].dtype == np.uint32 and (h['labels/u32'][:] == v[0]).all()\n"
                + "assert h['labels/u32'].attrs['unit'] == b'id' or h['labels/u32'].attrs['unit'] == 'id'\n"
                + "assert h['labels/u64'].dtype == np.uint64 and (h['labels/u64'][:] == v[0] + (1 << 40)).all()\n"
                + "assert h['aff'].dtype == np.float32 and h['aff'].shape == (3, 9, 70, 66) and (h['aff'][:] == v / 4.0).all()\n"
                + "assert h['graph/ids'].dtype == np.uint64 and h['graph/ids'][:].tolist() == [[1, 2], [2, 3]]\n"
                + "assert list(h.attrs['voxel_size']) == [40, 4, 4] and list(h.attrs['grid_position']) == [1, 0, 2]\n"
                + "assert h.attrs['segments'] == 12 and h.attrs['axes'] in (b'zyx', 'zyx')\n"
                + "print('ok')\n");
        assertEquals("ok", out);
    }

    @Test
    void h5pyAndZarrFilesOpenInBasin() throws Exception {
        python("import h5py, zarr, numpy as np, numcodecs\n"
                + "c, z, y, x = np.ogrid[0:3, 0:9, 0:70, 0:66]\n"
                + "v = " + FORMULA + "\n"
                + "with h5py.File('" + dir.resolve("p.h5") + "', 'w') as h:\n"
                + "    h.create_dataset('gzip', data=v[0].astype(np.uint16), chunks=(4, 16, 32), compression='gzip', shuffle=True)\n"
                + "    h.create_dataset('lzf/stack', data=(v[0] / 4.0).astype(np.float32), chunks=(7, 25, 50), compression='lzf')\n"
                + "    h.create_dataset('plain', data=v[0].astype(np.int32))\n"
                + "    h.create_dataset('aff', data=(v / 4.0).astype(np.float32), chunks=(1, 9, 35, 33), compression='gzip')\n"
                + "zarr.open('" + dir.resolve("zlib.zarr") + "', mode='w', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='u1',\n"
                + "          compressor=numcodecs.Zlib(level=3))[:] = v[0]\n"
                + "zarr.open('" + dir.resolve("zstd.zarr") + "', mode='w', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='<u8',\n"
                + "          compressor=numcodecs.Zstd(level=1), dimension_separator='/')[:] = v[0]\n"
                + "a = zarr.open('" + dir.resolve("fill.zarr") + "', mode='w', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='<f4', fill_value=7.5,\n"
                + "          compressor=numcodecs.GZip(level=1))\n"
                + "a[0:4, 0:32, 0:32] = 1.0\n");
        int[] shape = {9, 70, 66};
        Box region = new Box(new int[] {2, 10, 20}, new int[] {9, 70, 61});
        Object[][] cases = {
            {"p.h5", "gzip", DType.UINT16}, {"p.h5", "/lzf/stack", DType.FLOAT32}, {"p.h5", "plain", DType.INT32},
            {"zlib.zarr", null, DType.UINT8}, {"zstd.zarr", null, DType.UINT64}};
        for (Object[] c : cases) {
            try (VolumeReader r = Volumes.open(dir.resolve((String) c[0]), (String) c[1])) {
                DType t = (DType) c[2];
                assertEquals(t, r.info().dtype(), c[0] + " " + c[1]);
                assertArrayEquals(shape, r.info().shape());
                Block expected = formula(t == DType.UINT64 ? DType.INT64 : t, 0, shape).crop(region);
                assertArrayEquals(expected.toFloats(), r.read(region).toFloats(), c[0] + " " + c[1]);
            }
        }
        try (VolumeReader r = Volumes.open(dir.resolve("p.h5"), "aff")) {
            assertEquals(3, r.info().channels());
            assertArrayEquals(formula(DType.FLOAT32, 3, shape).floats(), r.readAll().floats());
        }
        try (VolumeReader r = Volumes.open(dir.resolve("fill.zarr"), null)) {
            Block b = r.read(new Box(new int[] {3, 31, 31}, new int[] {5, 33, 33}));
            assertEquals(1.0f, b.floats()[0]);
            assertEquals(7.5f, b.floats()[b.length() - 1], "unwritten chunks read as the fill value");
        }
    }

    @Test
    void zarrPythonFillValuesAndANullSeparatorReadAsInZarrPython() throws Exception {
        String out = python("import zarr, json, numpy as np, numcodecs\n"
                + "a = zarr.open('" + dir.resolve("inf.zarr") + "', mode='w', shape=(4, 4, 4), chunks=(2, 2, 2), dtype='<f4',"
                + " fill_value=-np.inf, compressor=None)\n"
                + "a[0:2, 0:2, 0:2] = 1.0\n"
                + "b = zarr.open('" + dir.resolve("null.zarr") + "', mode='w', shape=(4, 4, 4), chunks=(2, 2, 2), dtype='<u8',"
                + " fill_value=2**64 - 1, compressor=numcodecs.Zlib(level=1))\n"
                + "b[2:4, 0:2, 2:4] = 5\n"
                + "m = json.load(open('" + dir.resolve("null.zarr/.zarray") + "'))\n"
                + "m['dimension_separator'] = None\n"
                + "json.dump(m, open('" + dir.resolve("null.zarr/.zarray") + "', 'w'))\n"
                + "b = zarr.open('" + dir.resolve("null.zarr") + "', mode='r')\n"
                + "print(json.load(open('" + dir.resolve("inf.zarr/.zarray") + "'))['fill_value'], b[3, 1, 3], b[0, 0, 0])\n");
        assertEquals("-Infinity 5 18446744073709551615", out);
        try (ZarrArray a = ZarrArray.open(dir.resolve("inf.zarr"))) {
            Block b = a.readAll();
            assertEquals(1.0f, b.floats()[0]);
            assertEquals(Float.NEGATIVE_INFINITY, b.floats()[b.length() - 1]);
        }
        try (ZarrArray a = ZarrArray.open(dir.resolve("null.zarr"))) {
            assertTrue(a.hasAnyChunk());
            Block b = a.readAll();
            assertEquals(5, b.longs()[3 * 16 + 1 * 4 + 3]);
            assertEquals(-1L, b.longs()[0], "uint64 fill 2^64 - 1");
        }
    }

    @Test
    void unwrittenHdf5ChunksReadAsH5pysFillValue() throws Exception {
        python("import h5py, numpy as np\n"
                + "with h5py.File('" + dir.resolve("fill.h5") + "', 'w') as h:\n"
                + "    h.create_dataset('u16', shape=(8, 8, 8), chunks=(4, 4, 4), dtype='u2', fillvalue=7, compression='gzip')[0:4, 0:4, 0:4] = 1\n"
                + "    h.create_dataset('f32', shape=(8, 8, 8), chunks=(4, 4, 4), dtype='f4', fillvalue=-1.5)[0:4, 0:4, 0:4] = 1\n"
                + "    h.create_dataset('nan', shape=(8, 8, 8), chunks=(4, 4, 4), dtype='f8', fillvalue=np.nan)[0:4, 0:4, 0:4] = 1\n"
                + "    h.create_dataset('u64', shape=(8, 8, 8), chunks=(4, 4, 4), dtype='u8', fillvalue=2**64 - 1)[0:4, 0:4, 0:4] = 1\n"
                + "    h.create_dataset('i32', shape=(8, 8, 8), chunks=(8, 8, 1), dtype='i4', fillvalue=-5)[:, :, 0] = 1\n"
                + "    h.create_dataset('slab', shape=(8, 8, 8), chunks=(1, 8, 8), dtype='u1', fillvalue=3)[0] = 1\n"
                + "    h.create_dataset('never', shape=(8, 8, 8), dtype='u1', fillvalue=9)\n"
                + "    h.create_dataset('table', shape=(3, 2), dtype='i8', fillvalue=-4)\n");
        Path f = dir.resolve("fill.h5");
        assertArrayEquals(new long[] {-4, -4, -4, -4, -4, -4}, Hdf5Files.readTable(f, "table").longs());
        Object[][] cases = {{"u16", 7.0}, {"f32", -1.5}, {"nan", Double.NaN}, {"u64", -1.0}, {"i32", -5.0}, {"slab", 3.0}, {"never", 9.0}};
        for (Object[] c : cases) {
            String name = (String) c[0];
            double fill = (Double) c[1];
            try (VolumeReader r = Volumes.open(f, name)) {
                Block all = r.readAll();
                Block part = r.read(new Box(new int[] {3, 3, 3}, new int[] {8, 8, 8}));
                for (Block b : new Block[] {all, part}) {
                    double last = b.dtype() == DType.UINT64 ? b.getLong(b.length() - 1) : b.getDouble(b.length() - 1);
                    assertEquals(fill, last, name + ": an unwritten chunk reads as h5py's fill value");
                    if (b == all && !name.equals("never")) {
                        assertEquals(1.0, b.getDouble(0), name + ": a written voxel");
                    }
                }
            }
        }
    }
}
