package org.basin.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reading a run's trace and comparing its published outputs with another run's, byte for byte. */
final class Outputs {
    private Outputs() {
    }

    record Task(String name, String status, String nativeId, String exit, String workdir, long peakRss, long rchar) {
        String process() {
            String p = name.replaceFirst(" \\(.*$", "");
            return p.substring(p.lastIndexOf(':') + 1);
        }
    }

    /** The newest trace of the run that published into {@code outdir}, in task order. */
    static List<Task> trace(Path outdir) throws IOException {
        Path info = outdir.resolve("pipeline_info");
        Path trace;
        try (Stream<Path> s = Files.list(info)) {
            trace = s.filter(f -> f.getFileName().toString().startsWith("execution_trace"))
                    .max(Comparator.comparing(f -> f.getFileName().toString())).orElseThrow();
        }
        List<String> lines = Files.readAllLines(trace);
        List<String> header = Arrays.asList(lines.get(0).split("\t"));
        List<Task> tasks = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split("\t");
            tasks.add(new Task(f[header.indexOf("name")], f[header.indexOf("status")], f[header.indexOf("native_id")], f[header.indexOf("exit")],
                    f[header.indexOf("workdir")], bytes(f[header.indexOf("peak_rss")]), bytes(f[header.indexOf("rchar")])));
        }
        return tasks;
    }

    /** A trace size ("81.1 MB", "781 B", "-") in bytes; -1 when the trace has none. */
    static long bytes(String s) {
        String[] p = s.trim().split(" ");
        if (p.length != 2) {
            return -1;
        }
        int power = List.of("B", "KB", "MB", "GB", "TB").indexOf(p[1]);
        return (long) (Double.parseDouble(p[0]) * Math.pow(1024, power));
    }

    /** Bytes of the regular files under {@code dir}, but those under {@code except} (relative names). */
    static long diskUsage(Path dir, String... except) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).filter(f -> Arrays.stream(except).noneMatch(e -> dir.relativize(f).toString().startsWith(e)))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /**
     * Result files, relative path to bytes: not pipeline_info (the run's own reports) nor intermediate (watershed
     * chunk files and id tables, which name the stores they were made from by absolute path).
     */
    static Map<String, byte[]> results(Path outdir) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (Stream<Path> s = Files.walk(outdir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted().toList()) {
                String rel = outdir.relativize(f).toString();
                // the report's stage table holds each run's own times
                if (!rel.startsWith("pipeline_info") && !rel.startsWith("intermediate") && !rel.startsWith("report")) {
                    files.put(rel, Files.readAllBytes(f));
                }
            }
        }
        return files;
    }

    /**
     * As {@link #assertSameResults} for a run without pyramids and meshes against one with them: the stores' level 0
     * (every chunk and .zarray), the Omni projects, the tree, the scores and the rest, but not what the viewer stages
     * add (levels 1.., the groups' multiscales attributes, raw.zarr, meshes/, the Neuroglancer state that lists them).
     */
    static void assertSameCoreResults(Path expected, Path actual) throws IOException {
        Map<String, byte[]> a = core(results(expected));
        Map<String, byte[]> b = core(results(actual));
        assertEquals(a.keySet(), b.keySet(), "the same files in " + expected + " and " + actual);
        for (String f : a.keySet()) {
            assertArrayEquals(a.get(f), b.get(f), f + " differs between " + expected + " and " + actual);
        }
    }

    private static Map<String, byte[]> core(Map<String, byte[]> files) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        files.forEach((rel, bytes) -> {
            boolean viewer = rel.startsWith("meshes") || rel.startsWith("raw.zarr") || rel.equals("neuroglancer.json")
                    || (rel.matches("(segmentation|affinities)\\.zarr/.*") && !rel.matches("(segmentation|affinities)\\.zarr/(0/.*|\\.zgroup)"));
            if (!viewer) {
                out.put(rel, bytes);
            }
        });
        return out;
    }

    static void assertSameResults(Path expected, Path actual) throws IOException {
        Map<String, byte[]> a = results(expected);
        Map<String, byte[]> b = results(actual);
        assertEquals(a.keySet(), b.keySet(), "the same files in " + expected + " and " + actual);
        for (String f : a.keySet()) {
            assertArrayEquals(a.get(f), b.get(f), f + " differs between " + expected + " and " + actual);
        }
    }
}
