package org.basin.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.IoErrors;
import org.basin.io.Json;
import org.basin.io.SliceReader;
import org.basin.io.TaskTable;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.report.Histogram;
import org.basin.report.Png;
import org.basin.report.ReportData;
import org.basin.report.ReportHtml;
import org.basin.report.Segment;
import org.basin.report.SegmentSizes;
import org.basin.report.SegmentTable;
import org.basin.report.SliceImage;
import org.basin.report.SlicePanels;
import org.basin.report.StageTimes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"A self-contained QC page (report.html, PNGs beside it, report.json) for a run: slices at several z as",
            "raw | affinities | segmentation with scale bars, the segment size histogram, the largest segments, the scores",
            "and the parameters; with --trace, per-stage time and memory from the Nextflow trace. With --segmentation it",
            "draws the slices (centred crops of the coarsest pyramid level that is still --slice-pixels wide) and sums",
            "the per-block segment tables (relabel --segment-sizes); without, it redoes report.html from --out-dir's",
            "report.json."})
final class ReportCommand extends ToolCommand {
    @Option(names = "--out-dir", required = true, description = "Folder of report.html, report.json and the slice PNGs.")
    Path outDir;

    @Option(names = "--segmentation", description = "Segmentation volume or store: draws the slices and writes report.json.")
    Path segmentation;

    @Option(names = "--segmentation-dataset", description = "Dataset of the segmentation (default: a store's levels, finest first).")
    String segmentationDataset;

    @Option(names = "--affinities", description = "Affinity volume or store (3, z, y, x).")
    Path affinities;

    @Option(names = "--affinities-dataset", description = "Dataset of the affinities.")
    String affinitiesDataset;

    @Option(names = "--raw", description = "Raw volume.")
    Path raw;

    @Option(names = "--raw-dataset", description = "Dataset of the raw volume.")
    String rawDataset;

    @Option(names = "--segment-sizes", arity = "1..*", description = "Per-block segment tables from relabel --segment-sizes, or folders of *.tsv.")
    List<Path> segmentSizes;

    @Option(names = "--scores", description = "scores.json from basin evaluate.")
    Path scores;

    @Option(names = "--params", description = "The run's parameters as one JSON object.")
    Path params;

    @Option(names = "--sample", defaultValue = "volume", description = "Name shown in the title (default ${DEFAULT-VALUE}).")
    String sample;

    @Option(names = "--voxel-size", converter = Triplet.PositiveDoubles.class,
            description = "Voxel size x,y,z in nm (default: the segmentation's, else 1,1,1).")
    double[] voxelSize;

    @Option(names = "--slices", defaultValue = "5", description = "Slices, evenly spaced in z (default ${DEFAULT-VALUE}).")
    int slices;

    @Option(names = "--slice-pixels", defaultValue = "512",
            description = {"Read the coarsest level whose slice is at least this long, and of it the centred crop this wide",
                "(what is decoded stays bounded by the picture; default ${DEFAULT-VALUE})."})
    int slicePixels;

    @Option(names = "--largest", defaultValue = "20", description = "Largest segments listed (default ${DEFAULT-VALUE}).")
    int largest;

    @Option(names = "--trace", description = "Nextflow trace (execution_trace_*.txt): the per-stage table.")
    Path trace;

    @Option(names = "--run-info", description = "A JSON object of facts about the run (name, duration) for the summary table.")
    Path runInfo;

    @Option(names = "--summary", description = "Print one line on stdout: segments and scores.")
    boolean summary;

    @Option(names = "--overwrite", description = "Replace existing report files.")
    boolean overwrite;

    @Override
    protected int execute() throws IOException {
        if (slices < 1 || slicePixels < 16 || largest < 0) {
            throw BasinException.badArguments("--slices " + slices + " (at least 1), --slice-pixels " + slicePixels + " (at least 16), --largest "
                    + largest + " (at least 0)");
        }
        Path html = outDir.resolve("report.html");
        AtomicFiles.checkWritable(html, overwrite);
        ReportData data = segmentation != null ? render() : readData();
        List<StageTimes.Stage> stages = null;
        if (trace != null) {
            TaskTable t = TaskTable.read(trace, "process", "status", "realtime", "%cpu", "peak_rss");
            try {
                stages = StageTimes.of(t.columns(), t.rows());
            } catch (IllegalArgumentException e) {
                throw BasinException.badInput(trace + ": " + e.getMessage());
            }
        }
        Map<String, Object> run = runInfo != null ? Json.read(runInfo) : null;
        write(html, ReportHtml.render(data, stages, run).getBytes(StandardCharsets.UTF_8));
        log("wrote %s (%d slices, %d segments%s)", html, data.slices().size(), data.segments(), stages == null ? "" : ", " + stages.size() + " stages");
        if (summary) {
            String scoreLine = data.scores() == null ? "" : ReportHtml.scoreLine(data.scores());
            var out = spec.commandLine().getOut();
            out.println(data.segments() + " segments" + (scoreLine.isEmpty() ? "" : "; " + scoreLine));
            out.flush();
        }
        return 0;
    }

    /** Draws the slices and sums the segment tables; writes the PNGs and report.json. */
    private ReportData render() {
        if (segmentSizes == null) {
            throw BasinException.badArguments("--segmentation needs --segment-sizes (relabel's per-block tables): the report sums them and never"
                    + " scans the volume");
        }
        int[] shape;
        double[] voxel;
        try (VolumeReader seg = Volumes.open(segmentation, segmentationDataset != null ? segmentationDataset : SliceReader.levels(segmentation, null).get(0))) {
            VolumeInfo info = seg.info();
            if (info.channels() != 0) {
                throw BasinException.badInput(info.where() + ": a segmentation is (z, y, x); this has " + info.channels() + " channels");
            }
            shape = info.shape();
            voxel = voxelSize != null ? voxelSize : info.voxelSize();
        }
        if (voxel == null) {
            log("warning: %s gives no voxel size and no --voxel-size was given: the scale bars assume 1,1,1 nm", segmentation);
            voxel = new double[] {1, 1, 1};
        }
        SegmentSizes sizes = new SegmentSizes();
        List<Path> tables = tables();
        for (Path t : tables) {
            for (Segment s : readTable(t)) {
                try {
                    sizes.add(s.id(), s.voxels());
                } catch (IllegalArgumentException e) {
                    throw BasinException.badInput(t + ": " + e.getMessage());
                }
            }
        }
        long[] top = sizes.largest(largest);
        for (Path t : tables) {
            for (Segment s : readTable(t)) {
                sizes.addBounds(s, top);
            }
        }
        long labelled = 0;
        for (long v : sizes.sizes()) {
            labelled += v;
        }
        Histogram histogram = sizes.histogram();

        List<SliceImage> images = new ArrayList<>();
        List<Integer> zs = new ArrayList<>();
        for (int i = 0; i < slices; i++) {
            int z = (int) ((i + 0.5) * shape[0] / slices);
            if (!zs.contains(z)) {
                zs.add(z);
            }
        }
        for (int z : zs) {
            SliceReader.Slice s = SliceReader.read(segmentation, segmentationDataset, z, shape, voxel, slicePixels);
            SliceReader.Slice a = affinities == null ? null : SliceReader.read(affinities, affinitiesDataset, z, shape, voxel, slicePixels);
            SliceReader.Slice r = raw == null ? null : SliceReader.read(raw, rawDataset, z, shape, voxel, slicePixels);
            SlicePanels.Picture p = SlicePanels.render(r == null ? null : r.plane(), a == null ? null : a.plane(), s.plane(), s.nmPerPixel());
            byte[] png = Png.encode(p.image());
            String file = String.format("slice_z%05d.png", z);
            write(outDir.resolve(file), png);
            images.add(new SliceImage(z, s.level(), s.levelZ(), s.y0(), s.x0(), s.nmPerPixel(), file, p.image().getWidth(), p.image().getHeight(),
                    p.bar().label(), png));
        }
        Map<String, Object> scoreMap = scores != null ? Json.read(scores) : null;
        Map<String, Object> paramMap = params != null ? Json.read(params) : null;
        ReportData data = new ReportData(sample, shape, voxel, sizes.segments(), labelled, histogram, sizes.segments(top), images, scoreMap, paramMap);
        write(outDir.resolve("report.json"), (Json.write(data.toJson()) + "\n").getBytes(StandardCharsets.UTF_8));
        return data;
    }

    private ReportData readData() {
        Path json = outDir.resolve("report.json");
        if (!Files.isRegularFile(json)) {
            throw BasinException.badArguments(json + ": no such file; give --segmentation (and the other inputs) to draw the report first");
        }
        try {
            return ReportData.fromJson(Json.read(json), file -> {
                Path png = outDir.resolve(file);
                try {
                    return Files.readAllBytes(png);
                } catch (IOException e) {
                    throw BasinException.badInput(json + ": slice picture " + png + " cannot be read (" + IoErrors.reason(e) + ")");
                }
            });
        } catch (IllegalArgumentException | ClassCastException e) {
            throw BasinException.badInput(json + ": " + e.getMessage());
        }
    }

    private List<Path> tables() {
        List<Path> out = new ArrayList<>();
        if (segmentSizes == null) {
            return out;
        }
        for (Path p : segmentSizes) {
            if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".tsv")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw BasinException.io(p + ": cannot list (" + IoErrors.reason(e) + ")", e);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static List<Segment> readTable(Path path) {
        TaskTable t = TaskTable.read(path, SegmentTable.COLUMNS);
        try {
            return SegmentTable.segments(t.columns(), t.rows(), path.toString());
        } catch (IllegalArgumentException e) {
            throw BasinException.badInput(e.getMessage());
        }
    }

    private void write(Path target, byte[] bytes) {
        AtomicFiles.checkWritable(target, overwrite);
        Path tmp = AtomicFiles.temporaryFor(target);
        try {
            Files.write(tmp, bytes);
        } catch (IOException e) {
            AtomicFiles.discard(tmp);
            throw BasinException.io(target + ": cannot write (" + IoErrors.reason(e) + ")", e);
        }
        AtomicFiles.commit(tmp, target);
    }
}
