package org.basin.view;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticServerTest {
    @TempDir
    Path dir;

    Path root;
    StaticServer server;
    byte[] chunk;

    record Answer(int status, String contentRange, String allowOrigin, byte[] body) {
    }

    @BeforeEach
    void start() throws IOException {
        root = dir.resolve("outdir");
        Files.createDirectories(root.resolve("segmentation.zarr/0/0/0"));
        chunk = new byte[1000];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) (i * 7);
        }
        Files.write(root.resolve("segmentation.zarr/0/0/0/0"), chunk);
        Files.writeString(dir.resolve("secret.txt"), "outside the outdir");
        server = StaticServer.start(root, 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Answer get(String path, String range) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(server.baseUrl() + path).toURL().openConnection();
        if (range != null) {
            c.setRequestProperty("Range", range);
        }
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        byte[] body = in == null ? new byte[0] : in.readAllBytes();
        return new Answer(status, c.getHeaderField("Content-Range"), c.getHeaderField("Access-Control-Allow-Origin"), body);
    }

    @Test
    void wholeFileWithCors() throws IOException {
        Answer a = get("/segmentation.zarr/0/0/0/0", null);
        assertEquals(200, a.status());
        assertEquals("*", a.allowOrigin());
        assertArrayEquals(chunk, a.body());
        assertNull(a.contentRange());
    }

    @Test
    void byteRangesAre206WithContentRange() throws IOException {
        Answer a = get("/segmentation.zarr/0/0/0/0", "bytes=10-19");
        assertEquals(206, a.status());
        assertEquals("bytes 10-19/1000", a.contentRange());
        assertArrayEquals(Arrays.copyOfRange(chunk, 10, 20), a.body());
        assertEquals("*", a.allowOrigin());

        Answer suffix = get("/segmentation.zarr/0/0/0/0", "bytes=-16"); // a shard index at the end is read this way
        assertEquals(206, suffix.status());
        assertEquals("bytes 984-999/1000", suffix.contentRange());
        assertArrayEquals(Arrays.copyOfRange(chunk, 984, 1000), suffix.body());

        Answer open = get("/segmentation.zarr/0/0/0/0", "bytes=990-");
        assertEquals("bytes 990-999/1000", open.contentRange());
        assertEquals(10, open.body().length);

        Answer clipped = get("/segmentation.zarr/0/0/0/0", "bytes=995-5000");
        assertEquals(206, clipped.status());
        assertEquals("bytes 995-999/1000", clipped.contentRange());
    }

    @Test
    void unsatisfiableRangesAre416() throws IOException {
        for (String bad : new String[] {"bytes=1000-1010", "bytes=20-10", "bytes=-0", "bytes=x-3", "bytes=-"}) {
            Answer a = get("/segmentation.zarr/0/0/0/0", bad);
            assertEquals(416, a.status(), bad);
            assertEquals("bytes */1000", a.contentRange(), bad);
            assertEquals("*", a.allowOrigin(), bad);
        }
        // several ranges, or another unit: the whole file (RFC 9110 lets a server ignore them)
        assertEquals(200, get("/segmentation.zarr/0/0/0/0", "bytes=0-1,5-6").status());
        assertEquals(200, get("/segmentation.zarr/0/0/0/0", "items=0-1").status());
    }

    @Test
    void missingChunkIs404WithCors() throws IOException {
        Answer a = get("/segmentation.zarr/0/0/0/1", null); // Neuroglancer reads a 404 chunk as the fill value
        assertEquals(404, a.status());
        assertEquals("*", a.allowOrigin());
        assertEquals(404, get("/segmentation.zarr/0/0/0", null).status()); // a folder: no listing
        assertEquals(404, get("/nothing/here.json", null).status());
        assertEquals(List.of("404 /segmentation.zarr/0/0/0/1", "404 /segmentation.zarr/0/0/0", "404 /nothing/here.json"), server.requested());
    }

    @Test
    void pathsOutOfTheFolderAreRefused() throws IOException {
        // HttpURLConnection normalises "..", so send the raw request line
        for (String path : new String[] {"/../secret.txt", "/segmentation.zarr/../../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
            "/segmentation.zarr/%2E%2E/%2E%2E/secret.txt"}) {
            String answer = raw("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 403"), path + ": " + answer.lines().findFirst().orElse(""));
            assertTrue(!answer.contains("outside the outdir"), path);
        }
        assertNull(StaticServer.requestPath(URI.create("/a/%2e%2e/b")));
        assertEquals("/a/b c", StaticServer.requestPath(URI.create("/a/b%20c")));
    }

    @Test
    void generatedFileAndPreflight() throws IOException {
        server.serve("/neuroglancer.json", "{\"layers\": []}\n".getBytes(StandardCharsets.UTF_8));
        Answer a = get("/neuroglancer.json", null);
        assertEquals(200, a.status());
        assertEquals("{\"layers\": []}\n", new String(a.body(), StandardCharsets.UTF_8));
        String pre = raw("OPTIONS /segmentation.zarr/0/0/0/0 HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://neuroglancer-demo.appspot.com\r\n"
                + "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: range\r\nConnection: close\r\n\r\n");
        assertTrue(pre.startsWith("HTTP/1.1 204"), pre);
        assertTrue(pre.toLowerCase().contains("access-control-allow-headers: range"), pre);
        assertTrue(pre.toLowerCase().contains("access-control-allow-origin: *"), pre);
        assertTrue(pre.toLowerCase().contains("access-control-allow-private-network: true"), pre);
    }

    @Test
    void rangeParsing() {
        assertArrayEquals(new long[] {0, 0}, StaticServer.range("bytes=0-0", 5));
        assertArrayEquals(new long[] {0, 4}, StaticServer.range("bytes=-10", 5));
        assertArrayEquals(new long[0], StaticServer.range("bytes=0-0", 0));
        assertArrayEquals(new long[0], StaticServer.range("bytes=99999999999999999999-", 5));
        assertNull(StaticServer.range("bytes=0-1, 3-4", 5));
    }

    private String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
