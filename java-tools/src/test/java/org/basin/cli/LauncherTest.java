package org.basin.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** bin/basin, the launcher, run with a stand-in {@code java} that prints its arguments: the heap it sets from BASIN_MEMORY. */
class LauncherTest {
    @TempDir
    Path dir;

    record Run(int code, String out) {
    }

    /** The repository's bin/basin, found from the test's working folder (java-tools/ under Maven) upwards. */
    static Path launcher() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/basin"))) {
                return p.resolve("bin/basin");
            }
        }
        throw new IllegalStateException("bin/basin not found above " + Path.of("").toAbsolutePath());
    }

    Run run(String memory) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.writeString(dir.resolve("basin.jar"), "stand-in");
        ProcessBuilder pb = new ProcessBuilder("bash", launcher().toString(), "info", "x.h5").redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("BASIN_JAR", jar.toString());
        pb.environment().put("BASIN_MEMORY", memory);
        pb.environment().remove("BASIN_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out.trim());
    }

    @ParameterizedTest
    @CsvSource({"100M, 85", "1.5g, 1305", "2gb, 1740", "4096m, 3481", "2G, 1740", "512MiB, 435", "3072, 2611"})
    void memorySizesGiveEightyFivePercentAsHeap(String memory, int heapMb) throws Exception {
        Run r = run(memory);
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().startsWith("java ") && r.out().contains(" -Xmx" + heapMb + "m ") && r.out().endsWith(" info x.h5"), r.out());
    }

    @ParameterizedTest
    @CsvSource({"abc, is not a memory size", "0, is too little memory", "1.5.5, is not a memory size", "-1g, is not a memory size",
        "4m, is too little memory", "99999999999999g, is not a memory size"})
    void badMemorySizesStopWithExitTwoNamingTheValue(String memory, String why) throws Exception {
        Run r = run(memory);
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("BASIN_MEMORY='" + memory + "' " + why), r.out());
        assertTrue(!r.out().contains("java "), "java must not start: " + r.out());
    }
}
