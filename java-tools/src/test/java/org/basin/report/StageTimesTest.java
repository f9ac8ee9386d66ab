package org.basin.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class StageTimesTest {
    static final List<String> HEADER = List.of("task_id", "process", "status", "realtime", "%cpu", "peak_rss");

    /** A hand-made trace: 3 WATERSHED tasks (one cached), one MERGE_SEGMENTS, one failed INFER with no figures. */
    static final List<String[]> ROWS = List.of(
            new String[] {"1", "BASIN:WATERSHED", "COMPLETED", "2s", "100.0%", "100 MB"},
            new String[] {"2", "BASIN:INFER", "FAILED", "-", "-", "-"},
            new String[] {"3", "BASIN:WATERSHED", "COMPLETED", "1m 1.5s", "50.0%", "1.5 GB"},
            new String[] {"4", "BASIN:WATERSHED", "CACHED", "500ms", "200.0%", "512 KB"},
            new String[] {"5", "BASIN:MERGE_SEGMENTS", "COMPLETED", "1h 2m 3s", "99.5%", "781 B"});

    @Test
    void sumsAndMaximaPerProcessEqualTheTrace() {
        List<StageTimes.Stage> stages = StageTimes.of(HEADER, ROWS);
        assertEquals(List.of("WATERSHED", "INFER", "MERGE_SEGMENTS"), stages.stream().map(StageTimes.Stage::process).toList());
        StageTimes.Stage ws = stages.get(0);
        assertEquals(3, ws.tasks());
        assertEquals(1, ws.cached());
        assertEquals(0, ws.failed());
        assertEquals(2000 + 61500 + 500, ws.wallSumMs());
        assertEquals(61500, ws.wallMaxMs());
        assertEquals(2000 + 30750 + 1000, ws.cpuSumMs());
        assertEquals(30750, ws.cpuMaxMs());
        assertEquals(Math.round(1.5 * 1024 * 1024 * 1024), ws.peakRssMaxBytes());
        StageTimes.Stage infer = stages.get(1);
        assertEquals(1, infer.failed());
        assertEquals(0, infer.wallSumMs());
        assertEquals(-1, infer.wallMaxMs());
        assertEquals(-1, infer.peakRssMaxBytes());
        StageTimes.Stage merge = stages.get(2);
        assertEquals(3_723_000, merge.wallSumMs());
        assertEquals(Math.round(3_723_000 * 0.995), merge.cpuSumMs());
        assertEquals(781, merge.peakRssMaxBytes());
        StageTimes.Stage all = StageTimes.total(stages);
        assertEquals(5, all.tasks());
        assertEquals(64000 + 3_723_000, all.wallSumMs());
        assertEquals(33750 + Math.round(3_723_000 * 0.995), all.cpuSumMs());
        assertEquals(3_723_000, all.wallMaxMs());
    }

    @Test
    void traceValuesParse() {
        assertEquals(787, StageTimes.millis("787ms"));
        assertEquals(1100, StageTimes.millis("1.1s"));
        assertEquals(62_000, StageTimes.millis("1m 2s"));
        assertEquals(90_000_000, StageTimes.millis("1d 1h"));
        assertEquals(Math.round(158.9 * 1024 * 1024), StageTimes.bytes("158.9 MB"));
        assertEquals(104.1, StageTimes.percent("104.1%"));
        assertThrows(IllegalArgumentException.class, () -> StageTimes.millis("3 weeks"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StageTimes.of(List.of("process"), List.of()));
        assertEquals("the trace has no column 'status' (has [process])", e.getMessage());
    }
}
