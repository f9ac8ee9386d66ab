package org.basin.io;

import static org.basin.io.InteropTest.formula;
import static org.basin.io.InteropTest.python;
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
 * zarr-python's Blosc, F-order and N5 arrays open in basin with zarr-python's values, and basin's N5 and Blosc
 * arrays open in zarr-python. Skipped, with the reason printed, where /usr/bin/python3 lacks zarr (2.x, with
 * zarr.N5Store), numcodecs or numpy.
 */
class FormatInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needPython() throws Exception {
        String why = null;
        try {
            Process p = new ProcessBuilder(InteropTest.PYTHON, "-c", "import zarr, numcodecs, numpy; zarr.N5Store; numcodecs.Blosc")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                why = out.trim();
            }
        } catch (IOException e) {
            why = e.getMessage();
        }
        if (why != null) {
            System.out.println("SKIPPED FormatInteropTest: python3 with zarr 2.x (N5Store), numcodecs and numpy is needed (" + why + ")");
        }
        Assumptions.assumeTrue(why == null, "python3 with zarr 2.x, numcodecs, numpy not available");
    }

    static final int[] SHAPE = {9, 70, 66};

    /** Python: v (c, z, y, x) as the formula, and val(dtype) giving what basin's formula(dtype) holds. */
    static final String PRELUDE = "import zarr, numcodecs, numpy as np, json\n"
            + "c, z, y, x = np.ogrid[0:3, 0:9, 0:70, 0:66]\n"
            + "v = " + InteropTest.FORMULA + "\n"
            + "def val(dt, ch=False):\n"
            + "    d = np.dtype(dt)\n"
            + "    w = v if ch else v[0]\n"
            + "    if d.kind == 'f':\n"
            + "        return (w / 4.0).astype(d)\n"
            + "    if d.itemsize == 8 and d.kind == 'u':\n"
            + "        return (w + (1 << 40)).astype(d)\n"
            + "    return w.astype(d)\n";

    /** Every element of {@code got} equals basin's formula for its dtype over {@code region}. */
    static void assertFormula(Block got, DType t, int channels, Box region, String what) {
        Block expected = formula(t, channels, SHAPE).crop(region);
        assertEquals(t, got.dtype(), what);
        assertEquals(expected.length(), got.length(), what);
        for (int i = 0; i < got.length(); i++) {
            if (t.isFloating()) {
                assertEquals(expected.getDouble(i), got.getDouble(i), what + " at " + i);
            } else {
                assertEquals(expected.getLong(i), got.getLong(i), what + " at " + i);
            }
        }
    }

    static final Box REGION = new Box(new int[] {2, 10, 19}, new int[] {9, 70, 61});

    @Test
    void zarrPythonBloscEveryCnameAndShuffleOpensInBasin() throws Exception {
        python(PRELUDE
                + "for cn in ['blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd']:\n"
                + "    for sh in [0, 1, 2]:\n"
                + "        a = zarr.open('" + dir + "/' + cn + str(sh) + '.zarr', mode='w', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='<u2',\n"
                + "                      compressor=numcodecs.Blosc(cname=cn, clevel=5, shuffle=sh))\n"
                + "        a[:] = val('<u2')\n"
                + "d = zarr.open('" + dir.resolve("default.zarr") + "', mode='w', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='<f4')\n"
                + "d[:] = val('<f4')\n"
                + "assert d.compressor.codec_id == 'blosc' and d.compressor.cname == 'lz4'\n");
        for (String cn : BloscCodec.CNAMES) {
            for (int sh = 0; sh < 3; sh++) {
                try (VolumeReader r = Volumes.open(dir.resolve(cn + sh + ".zarr"), null)) {
                    assertTrue(r.info().compression().startsWith("blosc(" + cn + ", level 5"), r.info().compression());
                    assertFormula(r.read(REGION), DType.UINT16, 0, REGION, cn + " shuffle " + sh);
                }
            }
        }
        try (VolumeReader r = Volumes.open(dir.resolve("default.zarr"), null)) {
            assertEquals("blosc(lz4, level 5, byte shuffle)", r.info().compression());
            assertFormula(r.readAll(), DType.FLOAT32, 0, Box.ofShape(SHAPE), "zarr-python's default compressor");
        }
    }

    @Test
    void zarrPythonEveryDtypeBothByteOrdersAndFOrderOpenInBasin() throws Exception {
        String[] codes = {"|u1", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4", "<i8", ">i8", "<u8", ">u8", "<f4", ">f4", "<f8", ">f8"};
        StringBuilder py = new StringBuilder(PRELUDE);
        for (int i = 0; i < codes.length; i++) {
            String order = i % 2 == 0 ? "F" : "C";
            py.append("zarr.open('").append(dir).append("/t").append(i).append(".zarr', mode='w', shape=(9, 70, 66), chunks=(4, 32, 20), dtype='")
                    .append(codes[i]).append("', order='").append(order).append("')[:] = val('").append(codes[i]).append("')\n");
        }
        py.append("a = zarr.open('").append(dir.resolve("aff.zarr")).append("', mode='w', shape=(3, 9, 70, 66), chunks=(2, 4, 32, 20), dtype='<f4',"
                + " order='F', compressor=numcodecs.Zlib(level=1))\n"
                + "a[:] = val('<f4', True)\n"
                + "assert json.load(open('" + dir.resolve("aff.zarr/.zarray") + "'))['order'] == 'F'\n");
        python(py.toString());
        for (int i = 0; i < codes.length; i++) {
            DType t = ZarrArray.parseDtype(codes[i]);
            try (VolumeReader r = Volumes.open(dir.resolve("t" + i + ".zarr"), null)) {
                assertFormula(r.read(REGION), t, 0, REGION, codes[i] + (i % 2 == 0 ? " F order" : " C order"));
            }
        }
        try (VolumeReader r = Volumes.open(dir.resolve("aff.zarr"), null)) {
            assertEquals(3, r.info().channels());
            assertFormula(r.read(REGION), DType.FLOAT32, 3, REGION, "4-D F order");
        }
    }

    @Test
    void basinsBloscAndFOrderWritesOpenInZarrPython() throws Exception {
        for (String codec : new String[] {"blosc", "blosc-zstd:3", "blosc-blosclz", "blosc-zlib:1", "blosc-lz4hc:9"}) {
            ZarrArray a = ZarrArray.create(dir.resolve(codec.replace(':', '_') + ".zarr"), DType.UINT64, 0, SHAPE, new int[] {4, 32, 32},
                    ZarrCodec.parse(codec), ".", Map.of());
            a.write(formula(DType.UINT64, 0, SHAPE));
            ZarrArray f = ZarrArray.create(dir.resolve(codec.replace(':', '_') + ".f32.zarr"), DType.FLOAT32, 3, SHAPE, new int[] {4, 32, 32},
                    ZarrCodec.parse(codec), "/", Map.of());
            f.write(formula(DType.FLOAT32, 3, SHAPE));
        }
        // an F-order array zarr-python made, updated by basin across chunk borders, reads back in zarr-python
        python(PRELUDE + "zarr.open('" + dir.resolve("f.zarr") + "', mode='w', shape=(9, 70, 66), chunks=(4, 32, 20), dtype='<i4', order='F',"
                + " fill_value=-7)\n");
        try (ZarrArray f = ZarrArray.open(dir.resolve("f.zarr"))) {
            f.write(formula(DType.INT32, 0, SHAPE).crop(REGION));
        }
        String out = python(PRELUDE
                + "for codec in ['blosc', 'blosc-zstd_3', 'blosc-blosclz', 'blosc-zlib_1', 'blosc-lz4hc_9']:\n"
                + "    a = zarr.open('" + dir + "/' + codec + '.zarr', mode='r')\n"
                + "    assert a.compressor.codec_id == 'blosc' and (a[:] == val('<u8')).all(), codec\n"
                + "    f = zarr.open('" + dir + "/' + codec + '.f32.zarr', mode='r')\n"
                + "    assert f.shape == (3, 9, 70, 66) and (f[:] == val('<f4', True)).all(), codec\n"
                + "f = zarr.open('" + dir.resolve("f.zarr") + "', mode='r')[:]\n"
                + "w = np.full((9, 70, 66), -7, dtype='<i4')\n"
                + "w[2:9, 10:70, 19:61] = val('<i4')[2:9, 10:70, 19:61]\n"
                + "assert (f == w).all()\n"
                + "print('ok')\n");
        assertEquals("ok", out);
    }

    /** zarr-python's N5Store compressors, by the N5 type they write (LZMA with defaults becomes N5's xz). */
    static final String[][] N5_CODECS = {
        {"raw", "None"}, {"gzip", "numcodecs.GZip(level=1)"}, {"zlib", "numcodecs.Zlib(level=1)"}, {"bzip2", "numcodecs.BZ2(level=9)"},
        {"xz", "numcodecs.LZMA()"}, {"zstd", "numcodecs.Zstd(level=3)"}, {"blosc", "numcodecs.Blosc(cname='lz4', shuffle=1)"},
        {"bloscbit", "numcodecs.Blosc(cname='zstd', clevel=3, shuffle=2)"}};

    @Test
    void zarrPythonN5EveryCodecDtypeAndMultiscaleOpensInBasin() throws Exception {
        StringBuilder py = new StringBuilder(PRELUDE + "import warnings\nwarnings.simplefilter('ignore')\n"
                + "root = zarr.group(store=zarr.N5Store('" + dir.resolve("c.n5") + "'), overwrite=True)\n");
        for (String[] c : N5_CODECS) {
            py.append("root.create_dataset('").append(c[0]).append("', shape=(9, 70, 66), chunks=(4, 32, 20), dtype='<u2', compressor=")
                    .append(c[1]).append(")[:] = val('<u2')\n");
        }
        String[] dtypes = {"u1", "u2", "i4", "u4", "i8", "u8", "f4", "f8"};
        for (String t : dtypes) {
            py.append("root.create_dataset('t/").append(t).append("', shape=(9, 70, 66), chunks=(5, 16, 32), dtype='").append(t)
                    .append("', compressor=numcodecs.GZip(level=1))[:] = val('").append(t).append("')\n");
        }
        py.append("root.create_dataset('aff', shape=(3, 9, 70, 66), chunks=(3, 4, 32, 32), dtype='f4', compressor=numcodecs.GZip(level=1))[:] = val('f4', True)\n"
                + "h = root.create_dataset('holes', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='u1', compressor=None)\n"
                + "h[4:8, 32:64, 0:32] = 9\n"
                + "ms = root.create_group('ms')\n"
                + "ms.attrs['resolution'] = [4.0, 5.0, 40.0]\n"
                + "s0 = ms.create_dataset('s0', shape=(9, 70, 66), chunks=(4, 32, 32), dtype='u1', compressor=numcodecs.GZip(level=1))\n"
                + "s0[:] = val('u1')\n"
                + "s0.attrs['downsamplingFactors'] = [1, 1, 1]\n"
                + "s1 = ms.create_dataset('s1', shape=(9, 35, 33), chunks=(4, 32, 32), dtype='u1', compressor=numcodecs.GZip(level=1))\n"
                + "s1[:] = val('u1')[:, ::2, ::2]\n"
                + "s1.attrs['downsamplingFactors'] = [2, 2, 1]\n"
                + "print(json.load(open('" + dir.resolve("c.n5/xz/attributes.json") + "'))['compression']['type'],"
                + " json.load(open('" + dir.resolve("c.n5/zlib/attributes.json") + "'))['compression']['useZlib'])\n");
        assertEquals("xz True", python(py.toString()));
        Path c = dir.resolve("c.n5");
        for (String[] codec : N5_CODECS) {
            try (VolumeReader r = Volumes.open(c, codec[0])) {
                assertEquals("n5", r.info().format());
                assertFormula(r.read(REGION), DType.UINT16, 0, REGION, "N5 " + codec[0] + " " + r.info().compression());
            }
        }
        for (String t : dtypes) {
            try (VolumeReader r = Volumes.open(c, "/t/" + t)) {
                assertFormula(r.read(REGION), ZarrArray.parseDtype("<" + t), 0, REGION, "N5 " + t);
            }
        }
        try (VolumeReader r = Volumes.open(c, "aff")) {
            assertEquals(3, r.info().channels());
            assertFormula(r.read(REGION), DType.FLOAT32, 3, REGION, "N5 4-D");
        }
        try (VolumeReader r = Volumes.open(c, "holes")) {
            Block b = r.readAll();
            long nines = 0;
            for (int i = 0; i < b.length(); i++) {
                nines += b.getLong(i) == 9 ? 1 : b.getLong(i) == 0 ? 0 : 1000000;
            }
            assertEquals(4 * 32 * 32, nines, "written voxels 9, missing blocks 0, nothing else");
        }
        assertEquals(List.of("s0", "s1"), N5Array.levelPaths(c.resolve("ms")));
        try (VolumeReader r = Volumes.open(c, "ms")) {
            assertArrayEquals(SHAPE, r.info().shape(), "a multiscale group opens at s0");
            assertArrayEquals(new double[] {40, 5, 4}, r.info().voxelSize());
        }
        try (VolumeReader r = Volumes.open(c.resolve("ms/s1"), null)) {
            assertArrayEquals(new int[] {9, 35, 33}, r.info().shape());
            assertArrayEquals(new double[] {40, 10, 8}, r.info().voxelSize(), "group resolution x downsamplingFactors, z, y, x");
            Block b = r.readAll();
            Block full = formula(DType.UINT8, 0, SHAPE);
            assertEquals(full.getLong((5 * 70 + 2 * 17) * 66 + 2 * 13), b.getLong((5 * 35 + 17) * 33 + 13));
        }
    }

    @Test
    void basinsN5OpensInZarrPythonsN5Store() throws Exception {
        String[] codecs = {"raw", "gzip", "zlib:2", "bzip2", "xz:1", "zstd", "blosc", "blosc-zstd:3"};
        N5Array.createGroup(dir.resolve("b.n5"), Map.of());
        StringBuilder names = new StringBuilder("[");
        for (String codec : codecs) {
            String name = codec.replace(':', '_');
            names.append("'").append(name).append("', ");
            N5Array a = N5Array.create(dir.resolve("b.n5").resolve(name), DType.UINT16, 0, SHAPE, new int[] {4, 32, 20}, N5Codec.parse(codec), Map.of());
            a.write(formula(DType.UINT16, 0, SHAPE));
        }
        names.append("]");
        N5Array u64 = N5Array.create(dir.resolve("b.n5/u64"), DType.UINT64, 0, SHAPE, new int[] {4, 32, 32}, N5Codec.parse("gzip"), Map.of());
        u64.write(formula(DType.UINT64, 0, SHAPE).crop(REGION)); // partial blocks: read, updated, rewritten
        N5Array aff = N5Array.create(dir.resolve("b.n5/aff"), DType.FLOAT32, 3, SHAPE, new int[] {4, 32, 32}, N5Codec.parse("gzip"), Map.of());
        aff.write(formula(DType.FLOAT32, 3, SHAPE));
        String out = python(PRELUDE + "import warnings\nwarnings.simplefilter('ignore')\n"
                + "root = zarr.open_group(store=zarr.N5Store('" + dir.resolve("b.n5") + "'), mode='r')\n"
                + "for k in " + names + ":\n"
                + "    a = root[k]\n"
                + "    assert a.shape == (9, 70, 66) and a.dtype == np.uint16 and (a[:] == val('<u2')).all(), k\n"
                + "w = np.zeros((9, 70, 66), dtype='<u8')\n"
                + "w[2:9, 10:70, 19:61] = val('<u8')[2:9, 10:70, 19:61]\n"
                + "assert (root['u64'][:] == w).all()\n"
                + "assert root['aff'].shape == (3, 9, 70, 66) and (root['aff'][:] == val('<f4', True)).all()\n"
                + "print('ok')\n");
        assertEquals("ok", out);
    }
}
