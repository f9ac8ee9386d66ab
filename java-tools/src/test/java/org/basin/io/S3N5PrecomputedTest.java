package org.basin.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N5 stores written to and read from S3 through a ChunkStore, against a real S3 server (s3proxy) on 127.0.0.1. */
class S3N5PrecomputedTest {
    @TempDir
    static Path serverDir;
    @TempDir
    Path dir;

    static S3TestServer server;

    private static final int[] SHAPE = {13, 17, 19};
    private static final double[] VOXEL = {40, 4, 4};

    @BeforeAll
    static void start() throws Exception {
        server = new S3TestServer(serverDir);
        server.createBucket("bucket");
        S3Connection.configure(server.settings());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        S3Connection.configure(S3Connection.Settings.DEFAULT);
    }

    private static StoreLayout layout() {
        return StoreLayout.single(StoreLayout.Format.n5, new int[] {4, 5, 6}, null, "gzip");
    }

    private static Block first() {
        return ZarrArrayTest.pattern(DType.UINT64, 0, new Box(new int[] {1, 2, 3}, new int[] {11, 16, 18}));
    }

    private static Block second() {
        return ZarrArrayTest.pattern(DType.UINT64, 0, new Box(new int[] {5, 0, 0}, new int[] {13, 9, 7}));
    }

    /** Writes the two overlapping blocks: the first through create, the second through openOrCreate (a rerun). */
    private static void write(Path target) {
        OmeZarr.create(target, "test", DType.UINT64, 0, SHAPE, layout(), VOXEL, Map.of("source", "test")).write(first());
        OmeZarr.openOrCreate(target, "test", DType.UINT64, 0, SHAPE, layout(), VOXEL, Map.of("source", "test")).write(second());
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }

    @Test
    void n5WrittenToS3MatchesAFolderAndReadsBack() throws IOException {
        Path local = dir.resolve("x.n5");
        write(local);
        write(Path.of("s3://bucket/x.n5"));
        S3ChunkStore s3 = S3ChunkStore.parse("s3://bucket/x.n5");
        Map<String, byte[]> want = files(local);
        assertEquals(List.copyOf(want.keySet()), s3.keys().stream().sorted().toList());
        for (Map.Entry<String, byte[]> e : want.entrySet()) {
            assertArrayEquals(e.getValue(), s3.get(e.getKey()), e.getKey());
        }

        Box all = new Box(new int[3], SHAPE);
        Block expected = Block.allocate(DType.UINT64, all);
        for (Block b : List.of(first(), second())) {
            NdCopy.copy(b.data(), b.arrayShape(), b.box().min(), expected.data(), expected.arrayShape(), new int[3]);
        }
        try (VolumeReader r = Volumes.open(Path.of("s3://bucket/x.n5"), null)) {
            assertArrayEquals(VOXEL, r.info().voxelSize(), 1e-9);
            assertArrayEquals((long[]) expected.data(), (long[]) r.read(all).data());
        }
        assertEquals(List.of("s0"), Volumes.levelPaths(Path.of("s3://bucket/x.n5")));
    }

    @Test
    void missingBlockReadsAsFill() {
        Path target = Path.of("s3://bucket/holes.n5");
        OmeZarr.create(target, "test", DType.UINT64, 0, SHAPE, layout(), VOXEL, Map.of()).write(first());
        // the far corner block (x 18, y 15..16, z 12) is never written
        assertEquals(null, S3ChunkStore.parse("s3://bucket/holes.n5/s0").get("3/3/3"));
        Box all = new Box(new int[3], SHAPE);
        Block expected = Block.allocate(DType.UINT64, all);
        Block b = first();
        NdCopy.copy(b.data(), b.arrayShape(), b.box().min(), expected.data(), expected.arrayShape(), new int[3]);
        try (VolumeReader r = Volumes.open(target, null)) {
            assertArrayEquals((long[]) expected.data(), (long[]) r.read(all).data());
        }
    }

    @Test
    void badAttributesNameTheS3Location() {
        S3ChunkStore s3 = S3ChunkStore.parse("s3://bucket/bad.n5");
        s3.put("attributes.json", "{\"n5\": \"4.0.0\"}\n".getBytes(StandardCharsets.UTF_8));
        s3.child("s0").put("attributes.json", "{\"dimensions\": [4, 4], \"blockSize\": [2, 2], \"dataType\": \"uint8\"}\n"
                .getBytes(StandardCharsets.UTF_8));
        BasinException e = assertThrows(BasinException.class, () -> Volumes.open(Path.of("s3://bucket/bad.n5"), "s0"));
        assertEquals(ExitCode.BAD_INPUT, e.exitCode());
        assertTrue(e.getMessage().contains("s3://bucket/bad.n5/s0/attributes.json"), e.getMessage());
        assertTrue(e.getMessage().contains("[4, 4]"), e.getMessage());
    }
}
