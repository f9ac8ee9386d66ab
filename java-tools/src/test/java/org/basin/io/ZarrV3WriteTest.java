package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.luben.zstd.Zstd;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** basin's own Zarr v3 output: round trips, the shard index bytes the spec prescribes, and bad stores refused. */
class ZarrV3WriteTest {
    @TempDir
    Path dir;

    static Block random(DType t, int channels, Box box, long seed) {
        Block b = channels > 0 ? Block.allocate(t, channels, box) : Block.allocate(t, box);
        Random r = new Random(seed);
        for (int i = 0; i < b.length(); i++) {
            if (t.isFloating()) {
                b.setDouble(i, r.nextInt(5) == 0 ? 0 : r.nextGaussian());
            } else {
                b.setLong(i, r.nextInt(4) == 0 ? 0 : r.nextLong() >>> (64 - 8 * t.bytes()));
            }
        }
        return b;
    }

    static byte[] bytes(Block b) {
        return ByteCodec.encode(b.data(), b.dtype());
    }

    @ParameterizedTest
    @CsvSource({"uint8,0,zstd:1,true", "uint16,0,gzip:3,true", "int32,0,blosc:lz4:5,true", "uint32,0,none,false", "int64,0,zstd,false",
        "uint64,0,blosc:zstd:3,true", "float32,3,zstd:1,true", "float64,2,gzip,false", "float32,3,blosc,false"})
    void unalignedRegionWritesReadBackExactly(String type, int channels, String compression, boolean sharded) {
        DType t = DType.parse(type);
        int[] shape = {21, 18, 27};
        StoreLayout layout = StoreLayout.single(StoreLayout.Format.zarr3, new int[] {4, 6, 5}, sharded ? new int[] {8, 12, 10} : null, compression);
        Path store = dir.resolve("s.zarr");
        ChunkedStore a = OmeZarr.create(store, "v", t, channels, shape, layout, new double[] {30, 4, 4}, Map.of("k", "v"));
        Block model = random(t, channels, Box.ofShape(shape), 1);
        a.write(model);
        Random r = new Random(2);
        for (int k = 0; k < 12; k++) {
            int[] lo = new int[3];
            int[] hi = new int[3];
            for (int ax = 0; ax < 3; ax++) {
                lo[ax] = r.nextInt(shape[ax]);
                hi[ax] = lo[ax] + 1 + r.nextInt(shape[ax] - lo[ax]);
            }
            Box box = new Box(lo, hi);
            Block piece = random(t, channels, box, 10 + k);
            a.write(piece);
            NdCopy.copy(piece.data(), piece.arrayShape(), NdCopy.origin(model.arrayShape().length, lo), model.data(), model.arrayShape(),
                    new int[model.arrayShape().length]);
        }
        try (VolumeReader back = Volumes.open(store, null)) {
            assertEquals("zarr3", back.info().format());
            assertEquals(channels, back.info().channels());
            assertArrayEquals(new double[] {30, 4, 4}, back.info().voxelSize());
            assertArrayEquals(bytes(model), bytes(back.readAll()), type + " " + compression);
            Box inner = new Box(new int[] {3, 5, 7}, new int[] {17, 13, 26});
            assertArrayEquals(bytes(model.crop(inner)), bytes(back.read(inner)));
        }
    }

    /**
     * The shard's bytes as the sharding_indexed spec lays them out, checked without basin's reader: inner chunks
     * back to back from byte 0 in C order of the inner grid, then the index (uint64 little-endian offset, nbytes
     * per inner chunk, 2^64-1 for the all-fill ones left out) and its crc32c.
     */
    @Test
    void shardBytesAreWhatTheSpecPrescribes() throws Exception {
        int[] shape = {8, 8, 8};
        Block data = Block.allocate(DType.UINT16, Box.ofShape(shape));
        for (int i = 0; i < data.length(); i++) {
            int z = i / 64;
            data.setLong(i, z < 4 ? 0 : 1000 + i); // the inner chunks at z 0..3 hold only the fill value 0
        }
        Path store = dir.resolve("idx.zarr");
        ChunkedStore a = OmeZarr.create(store, "v", DType.UINT16, 0, shape,
                StoreLayout.single(StoreLayout.Format.zarr3, new int[] {4, 4, 8}, new int[] {8, 8, 8}, "zstd:5"), new double[] {1, 1, 1}, Map.of());
        a.recordWrites();
        a.write(data);
        Path shard = store.resolve("0/c/0/0/0");
        byte[] file = Files.readAllBytes(shard);
        assertEquals(Map.of("c/0/0/0", Digest.of(file)), a.writtenChunks());
        int count = 2 * 2 * 1;
        int indexBytes = count * 16 + 4;
        ByteBuffer index = ByteBuffer.wrap(file, file.length - indexBytes, indexBytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(file, file.length - indexBytes, count * 16);
        assertEquals((int) crc.getValue(), index.getInt(file.length - 4));
        long expectAt = 0;
        for (int i = 0; i < count; i++) {
            long off = index.getLong(file.length - indexBytes + 16 * i);
            long n = index.getLong(file.length - indexBytes + 16 * i + 8);
            int iz = i / 2;
            int iy = i % 2;
            if (iz == 0) {
                assertEquals(-1L, off, "inner chunk " + i + " of fill only: 2^64-1");
                assertEquals(-1L, n);
                continue;
            }
            assertEquals(expectAt, off, "inner chunk " + i);
            byte[] raw = Zstd.decompress(java.util.Arrays.copyOfRange(file, (int) off, (int) (off + n)), 4 * 4 * 8 * 2);
            ByteBuffer rb = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            for (int z = 0; z < 4; z++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 8; x++) {
                        int g = ((iz * 4 + z) * 8 + iy * 4 + y) * 8 + x;
                        assertEquals(1000 + g, rb.getShort() & 0xffff);
                    }
                }
            }
            expectAt += n;
        }
        assertEquals(file.length - indexBytes, expectAt, "inner chunks back to back, the index right after");
        Map<String, Object> meta = Json.read(store.resolve("0/zarr.json"));
        assertEquals("sharding_indexed", ((Map<?, ?>) ((List<?>) meta.get("codecs")).get(0)).get("name"));
        Map<String, Object> group = Json.read(store.resolve("zarr.json"));
        assertEquals("0.5", ((Map<?, ?>) ((Map<?, ?>) group.get("attributes")).get("ome")).get("version"));
    }

    // ---- bad stores ---------------------------------------------------------------------------------------

    private Path sharded() {
        Path store = dir.resolve("bad.zarr");
        ChunkedStore a = OmeZarr.create(store, "v", DType.UINT8, 0, new int[] {8, 8, 8},
                StoreLayout.single(StoreLayout.Format.zarr3, new int[] {4, 4, 4}, new int[] {8, 8, 8}, "gzip"), new double[] {1, 1, 1}, Map.of());
        a.write(random(DType.UINT8, 0, Box.ofShape(new int[] {8, 8, 8}), 3));
        return store;
    }

    private static BasinException refused(Path store) {
        BasinException e = assertThrows(BasinException.class, () -> {
            try (VolumeReader r = Volumes.open(store, null)) {
                r.readAll();
            }
        });
        assertEquals(ExitCode.BAD_INPUT, e.exitCode(), e.getMessage());
        return e;
    }

    @Test
    void truncatedShardIndexIsBadInputNamingFileAndKey() throws Exception {
        Path store = sharded();
        Path shard = store.resolve("0/c/0/0/0");
        Files.write(shard, java.util.Arrays.copyOf(Files.readAllBytes(shard), 100));
        String m = refused(store).getMessage();
        assertTrue(m.contains(shard.toString()) && m.contains("shard c/0/0/0"), m);
        // 100 bytes hold 132 of index: too short, or the index's crc32c over bytes that are not the index
        assertTrue(m.contains("crc32c") || m.contains("truncated"), m);
        Files.write(shard, new byte[20]);
        m = refused(store).getMessage();
        assertTrue(m.contains("shard index (index_location end) of 8 inner chunks takes 132 bytes; the shard has 20 (truncated shard)"), m);
    }

    @Test
    void indexPointingPastTheFileIsBadInput() throws Exception {
        Path store = sharded();
        Path shard = store.resolve("0/c/0/0/0");
        byte[] b = Files.readAllBytes(shard);
        int at = b.length - 132;
        ByteBuffer idx = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        idx.putLong(at + 16 * 3, b.length + 1000L); // inner chunk [0, 1, 1]
        CRC32C crc = new CRC32C();
        crc.update(b, at, 128);
        idx.putInt(b.length - 4, (int) crc.getValue());
        Files.write(shard, b);
        String m = refused(store).getMessage();
        assertTrue(m.contains(shard + ": shard c/0/0/0: shard index entry for inner chunk [0, 1, 1]: offset " + (b.length + 1000L)), m);
        assertTrue(m.contains("lies outside the shard's data"), m);
    }

    @Test
    void crc32cMismatchIsBadInput() throws Exception {
        Path store = sharded();
        Path shard = store.resolve("0/c/0/0/0");
        byte[] b = Files.readAllBytes(shard);
        b[b.length - 132 + 8] ^= 1; // the first inner chunk's nbytes, not matching the index's crc32c any more
        Files.write(shard, b);
        String m = refused(store).getMessage();
        assertTrue(m.contains(shard + ": shard c/0/0/0 shard index (codecs: crc32c): crc32c checksum mismatch"), m);
    }

    @Test
    void damagedInnerChunkIsBadInputNamingIt() throws Exception {
        Path store = sharded();
        Path shard = store.resolve("0/c/0/0/0");
        byte[] b = Files.readAllBytes(shard);
        b[0] = 0; // the gzip magic of inner chunk [0, 0, 0]
        Files.write(shard, b);
        String m = refused(store).getMessage();
        assertTrue(m.contains(shard + ": shard c/0/0/0 inner chunk [0, 0, 0] (codecs: gzip)"), m);
    }

    private Path withCodecs(Object codecs) {
        Path store = sharded();
        Path meta = store.resolve("0/zarr.json");
        Map<String, Object> m = new LinkedHashMap<>(Json.read(meta));
        m.put("codecs", codecs);
        Json.write(meta, m);
        return store;
    }

    private static Map<String, Object> codec(String name, Map<String, Object> conf) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("configuration", conf);
        return m;
    }

    @Test
    void unknownCodecAndWrongParametersAreBadInputNamingTheField() {
        Map<String, Object> le = codec("bytes", Map.of("endian", "little"));
        Path store = withCodecs(List.of(le, codec("lzma", Map.of())));
        String m = refused(store).getMessage();
        assertTrue(m.contains(store.resolve("0/zarr.json") + ": codecs[1] (lzma): unknown codec 'lzma'"), m);
        m = refused(withCodecs(List.of(le, codec("gzip", Map.of("level", 12))))).getMessage();
        assertTrue(m.contains("codecs[1] (gzip): configuration.level 12 is not an integer 0..9"), m);
        m = refused(withCodecs(List.of(codec("bytes", Map.of("endian", "middle"))))).getMessage();
        assertTrue(m.contains("codecs[0] (bytes): configuration.endian \"middle\" is not \"little\" or \"big\""), m);
        m = refused(withCodecs(List.of(le, codec("blosc", Map.of("cname", "snappy", "clevel", 5, "shuffle", "shuffle"))))).getMessage();
        assertTrue(m.contains("codecs[1] (blosc): configuration.cname \"snappy\" is not one of lz4"), m);
        m = refused(withCodecs(List.of(codec("sharding_indexed", Map.of("chunk_shape", List.of(3, 4, 4), "codecs", List.of(le),
                "index_codecs", List.of(le)))))).getMessage();
        assertTrue(m.contains("codecs[0] (sharding_indexed): configuration.chunk_shape [3, 4, 4] does not divide the shard (chunk) shape [8, 8, 8]"), m);
        m = refused(withCodecs(List.of(codec("sharding_indexed", Map.of("chunk_shape", List.of(4, 4, 4), "codecs", List.of(le),
                "index_codecs", List.of(le, codec("gzip", Map.of("level", 1)))))))).getMessage();
        assertTrue(m.contains("index_codecs") && m.contains("unknown size"), m);
        m = refused(withCodecs(List.of(codec("gzip", Map.of("level", 1)), le))).getMessage();
        assertTrue(m.contains("codecs[0] (gzip) comes before the array-to-bytes codec"), m);
    }

    @Test
    void badMetadataIsBadInputNamingTheField() {
        Path store = sharded();
        Path meta = store.resolve("0/zarr.json");
        Map<String, Object> m = new LinkedHashMap<>(Json.read(meta));
        m.put("data_type", "complex64");
        Json.write(meta, m);
        assertTrue(refused(store).getMessage().contains(meta + ": data_type \"complex64\" is not supported"));
        m.put("data_type", "uint8");
        m.put("fill_value", 300);
        Json.write(meta, m);
        assertTrue(refused(store).getMessage().contains(meta + ": fill_value 300 is out of range for uint8 (0..255)"));
        m.put("fill_value", 0);
        m.put("chunk_key_encoding", Map.of("name", "default", "configuration", Map.of("separator", "-")));
        Json.write(meta, m);
        assertTrue(refused(store).getMessage().contains(meta + ": chunk_key_encoding.configuration.separator \"-\" is not \"/\" or \".\""));
    }

    // ---- layouts tasks may write in parallel ---------------------------------------------------------------

    @Test
    void aShardThatDoesNotDivideTheTaskCoreIsRefused() {
        BasinException e = assertThrows(BasinException.class, () -> StoreLayout.forTasks(StoreLayout.Format.zarr3, new int[] {32, 32, 32},
                new int[] {64, 96, 64}, new int[] {64, 128, 128}, "zstd"));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertTrue(e.getMessage().contains("--shard 64,96,64 must divide the task core 128,128,64 (x,y,z): a task would write part of a shard"),
                e.getMessage());
        e = assertThrows(BasinException.class, () -> StoreLayout.forTasks(StoreLayout.Format.zarr3, new int[] {32, 48, 32},
                new int[] {64, 64, 64}, new int[] {64, 128, 128}, "zstd"));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        e = assertThrows(BasinException.class, () -> StoreLayout.forTasks(StoreLayout.Format.zarr3, new int[] {32, 32, 32},
                null, new int[] {64, 128, 128}, "zlib"));
        assertTrue(e.getMessage().contains("'zlib' is not a Zarr v3 codec"), e.getMessage());
        StoreLayout ok = StoreLayout.forTasks(StoreLayout.Format.zarr3, new int[] {32, 64, 64}, null, new int[] {64, 128, 128}, "zstd");
        assertArrayEquals(new int[] {64, 128, 128}, ok.shard()); // the core by default
    }

    @Test
    void parallelTasksEachWritingTheirCoresLoseNoNeighboursChunks() throws Exception {
        int[] shape = {20, 30, 30};
        int[] core = {10, 16, 16};
        StoreLayout layout = StoreLayout.forTasks(StoreLayout.Format.zarr3, new int[] {5, 8, 8}, null, core, "zstd:1");
        Path store = dir.resolve("par.zarr");
        Block model = random(DType.UINT32, 0, Box.ofShape(shape), 7);
        List<Thread> tasks = new java.util.ArrayList<>();
        List<Throwable> failed = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        for (int z = 0; z < shape[0]; z += core[0]) {
            for (int y = 0; y < shape[1]; y += core[1]) {
                for (int x = 0; x < shape[2]; x += core[2]) {
                    Box box = new Box(new int[] {z, y, x}, new int[] {Math.min(shape[0], z + core[0]), Math.min(shape[1], y + core[1]),
                        Math.min(shape[2], x + core[2])});
                    tasks.add(new Thread(() -> {
                        try {
                            OmeZarr.openOrCreate(store, "v", DType.UINT32, 0, shape, layout, new double[] {1, 1, 1}, Map.of()).write(model.crop(box));
                        } catch (Throwable t) {
                            failed.add(t);
                        }
                    }));
                }
            }
        }
        tasks.forEach(Thread::start);
        for (Thread t : tasks) {
            t.join();
        }
        assertEquals(List.of(), failed);
        try (VolumeReader r = Volumes.open(store, null)) {
            assertArrayEquals(model.ints(), r.readAll().ints());
        }
        // a rerun with another shape is refused, as is one in the other format
        BasinException e = assertThrows(BasinException.class, () -> OmeZarr.openOrCreate(store, "v", DType.UINT32, 0, new int[] {20, 30, 31}, layout,
                new double[] {1, 1, 1}, Map.of()));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("an existing store holds data_type \"uint32\", shape [20,30,30]"), e.getMessage());
        e = assertThrows(BasinException.class, () -> OmeZarr.openOrCreate(store, "v", DType.UINT32, 0, shape, StoreLayout.zarr2(new int[] {5, 8, 8}, "zlib"),
                new double[] {1, 1, 1}, Map.of()));
        assertTrue(e.getMessage().contains("an existing store is Zarr v3 (zarr.json); this run writes Zarr v2"), e.getMessage());
    }
}
