package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Zarr v3 OME-Zarr stores (sharded and not) written to and read from S3 (s3proxy on 127.0.0.1) as in a folder. */
class S3ZarrV3Test {
    @TempDir
    static Path serverDir;
    @TempDir
    Path dir;

    static S3TestServer server;

    private static final int[] SHAPE = {16, 20, 48};
    private static final double[] VOXEL = {40, 4, 4};

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket("basin-test");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        S3Connection.configure(S3Connection.Settings.DEFAULT);
    }

    @BeforeEach
    void connect() {
        S3Connection.configure(server.settings());
    }

    private static StoreLayout layout(boolean sharded) {
        return StoreLayout.single(StoreLayout.Format.zarr3, new int[] {4, 5, 6}, sharded ? new int[] {16, 20, 24} : null, "none");
    }

    private static ChunkedStore openOrCreate(Path target, boolean sharded) {
        return OmeZarr.openOrCreate(target, "test", DType.UINT64, 0, SHAPE, layout(sharded), VOXEL, Map.of("source", "test"));
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void shardedAndUnshardedStoresInS3HoldTheLocalKeysAndBytesAndReadBack() throws Exception {
        Block first = ZarrV3WriteTest.random(DType.UINT64, 0, new Box(new int[] {1, 2, 3}, new int[] {11, 16, 30}), 1);
        Block second = ZarrV3WriteTest.random(DType.UINT64, 0, new Box(new int[] {5, 0, 20}, new int[] {16, 9, 48}), 2);
        for (boolean sharded : new boolean[] {false, true}) {
            String name = sharded ? "sharded.zarr" : "plain.zarr";
            Path s3 = Path.of("s3://basin-test/rt/" + name);
            Path local = dir.resolve(name);
            for (Path target : List.of(s3, local)) {
                try (ChunkedStore a = openOrCreate(target, sharded)) {
                    a.write(first);
                }
                try (ChunkedStore a = openOrCreate(target, sharded)) { // the second task finds the store and adds to it
                    a.write(second);
                }
            }
            Map<String, byte[]> want = files(local);
            S3ChunkStore store = S3ChunkStore.parse("s3://basin-test/rt/" + name);
            assertEquals(new ArrayList<>(want.keySet()), store.keys(), name);
            for (Map.Entry<String, byte[]> e : want.entrySet()) {
                assertArrayEquals(e.getValue(), store.get(e.getKey()), name + " " + e.getKey());
            }
            assertTrue(want.size() > (sharded ? 3 : 20), name + ": " + want.keySet());
            try (VolumeReader r = Volumes.open(s3, null)) {
                assertEquals("s3://basin-test/rt/" + name + "/0", r.info().path());
                assertEquals("zarr3", r.info().format());
                assertArrayEquals(VOXEL, r.info().voxelSize());
                Box all = r.info().box();
                Block expected = Block.allocate(DType.UINT64, all);
                expected.copyFrom(first);
                expected.copyFrom(second);
                assertArrayEquals(expected.longs(), r.read(all).longs(), name);
            }
            assertArrayEquals(VOXEL, OmeScale.of(store, "0"), name + ": the group's OME-Zarr scale");
            assertEquals(List.of("0"), Volumes.levelPaths(s3));
            assertTrue(ZarrV3Array.open(store.child("0")).hasAnyChunk());
        }
    }

    @Test
    void aShardedReadFetchesTheIndexAndTheInnerChunksItNeedsNotTheShard() {
        Path s3 = Path.of("s3://basin-test/ranged/seg.zarr");
        try (ChunkedStore a = openOrCreate(s3, true)) {
            a.write(ZarrV3WriteTest.random(DType.UINT64, 0, new Box(new int[] {0, 0, 0}, new int[] {16, 20, 24}), 3));
        }
        ChunkStore store = S3ChunkStore.parse("s3://basin-test/ranged/seg.zarr/0");
        long shardSize = store.get("c/0/0/0").length;
        ZarrV3Array a = ZarrV3Array.open(store);
        S3Connection.Counts before = S3Connection.counts();
        Block one = a.read(new Box(new int[] {4, 5, 6}, new int[] {8, 10, 12})); // exactly one inner chunk
        S3Connection.Counts after = S3Connection.counts();
        long gets = after.gets() - before.gets();
        long bytes = after.bytesRead() - before.bytesRead();
        System.out.println("one inner chunk of a " + shardSize + "-byte shard: " + gets + " GET, " + bytes + " bytes, "
                + (after.heads() - before.heads()) + " HEAD");
        assertEquals(2, gets, "the index (one suffix range) and the inner chunk");
        assertEquals(0, after.heads() - before.heads());
        long index = 64 * 16 + 4;
        assertEquals(index + 4 * 5 * 6 * 8, bytes, "index + one raw inner chunk, of a " + shardSize + "-byte shard");
        assertTrue(bytes * 20 < shardSize * 1, bytes + " of " + shardSize);
        assertEquals(4 * 5 * 6, one.longs().length);
    }

    @Test
    void aMissingShardReadsAsTheFillValue() {
        Path s3 = Path.of("s3://basin-test/fill/seg.zarr");
        try (ChunkedStore a = openOrCreate(s3, true)) {
            a.write(ZarrV3WriteTest.random(DType.UINT64, 0, new Box(new int[] {0, 0, 0}, new int[] {16, 20, 24}), 4));
        }
        ChunkStore store = S3ChunkStore.parse("s3://basin-test/fill/seg.zarr/0");
        assertNull(store.get("c/0/0/1"));
        Block b = ZarrV3Array.open(store).read(new Box(new int[] {2, 3, 22}, new int[] {9, 11, 40}));
        Block want = Block.allocate(DType.UINT64, b.box());
        Block written = ZarrV3Array.open(store).read(new Box(new int[] {2, 3, 22}, new int[] {9, 11, 24}));
        want.copyFrom(written);
        assertArrayEquals(want.longs(), b.longs(), "past x 24 the missing shard reads as 0");
        for (long v : ZarrV3Array.open(store).read(new Box(new int[] {0, 0, 24}, new int[] {16, 20, 48})).longs()) {
            assertEquals(0, v);
        }
    }

    @Test
    void aGroupWithoutTheNamedArrayIsABadArgumentNamingTheLocation() {
        Path s3 = Path.of("s3://basin-test/named/seg.zarr");
        try (ChunkedStore a = openOrCreate(s3, false)) {
            a.write(ZarrV3WriteTest.random(DType.UINT64, 0, new Box(new int[] {0, 0, 0}, new int[] {4, 5, 6}), 5));
        }
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(s3, "s1"));
        assertEquals(ExitCode.BAD_ARGUMENTS, e.exitCode());
        assertEquals("s3://basin-test/named/seg.zarr: no Zarr v3 array 's1' in this group (it holds 0)", e.getMessage());
    }
}
