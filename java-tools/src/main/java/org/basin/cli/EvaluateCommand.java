package org.basin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.basin.chunk.ChunkGrid;
import org.basin.error.BasinException;
import org.basin.evaluate.SegmentationScores;
import org.basin.io.AtomicFiles;
import org.basin.io.Hdf5Files;
import org.basin.io.IoErrors;
import org.basin.io.Json;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Box;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Score a segmentation against ground truth, ignoring ground-truth label 0: variation of information",
            "split / merge (bits) and adapted Rand error (CREMI / SNEMI3D F-score form); segmentation label 0 scored by --zero",
            "for both. With --agglomeration, every threshold's segmentation too, from one read. Reads both volumes slab by slab."})
final class EvaluateCommand extends ToolCommand {
    @Option(names = "--segmentation", description = "Segmentation volume.")
    Path segmentation;

    @Option(names = "--segmentation-dataset", description = "Dataset inside the segmentation file or group.")
    String segmentationDataset;

    @Option(names = "--truth", description = "Ground-truth volume.")
    Path truth;

    @Option(names = "--truth-dataset", description = "Dataset inside the ground-truth file or group.")
    String truthDataset;

    @Option(names = "--output", description = "Also write the scores as JSON here.")
    Path output;

    @Mixin
    GridOptions region;

    @Option(names = "--partial", description = {"Count only the chunks of --grid-block (grid --chunk) and write their contingency table",
        "(truth, segment, voxels) to this HDF5 file, for a later --partials sum: blocks are scored in parallel."})
    Path partial;

    @Option(names = "--partials", arity = "1..*", description = "Score the sum of these contingency tables (from --partial) instead of reading volumes.")
    List<Path> partials;

    @Option(names = "--zero", defaultValue = "singletons", description = {"How segmentation label 0 is scored, for VOI and ARE alike:",
        "singletons (each voxel its own segment, as CREMI) or label (one segment) (default ${DEFAULT-VALUE})."})
    String zero;

    @Option(names = "--agglomeration", description = {"segments.h5 of basin agglomerate for this (stitched) segmentation: also score every",
        "threshold's segmentation (its table applied to the segment ids), in one call; with --partials too."})
    Path agglomeration;

    @Option(names = "--overwrite", description = "Replace an existing --output or --partial.")
    boolean overwrite;

    @Override
    protected int execute() {
        // checked before any voxel is read: an existing output is kept unless --overwrite
        for (Path p : new Path[] {output, partial}) {
            if (p != null) {
                AtomicFiles.checkWritable(p, overwrite);
            }
        }
        zeroConvention(); // a bad --zero fails before any voxel is read
        SegmentationScores scores = new SegmentationScores();
        if (partials != null) {
            for (Path p : partials) {
                if (((Number) Hdf5Files.readAttributes(p).getOrDefault("cells", 0L)).longValue() > 0) {
                    long[] cells = Hdf5Files.readTable(p, "contingency").longs();
                    for (int i = 0; i < cells.length; i += 3) {
                        scores.addCount(cells[i], cells[i + 1], cells[i + 2]);
                    }
                }
            }
            return report(scores, partials.size() + " partial tables");
        }
        if (segmentation == null || truth == null) {
            throw BasinException.badArguments("give --segmentation and --truth (or --partials)");
        }
        try (VolumeReader s = Volumes.open(segmentation, segmentationDataset); VolumeReader t = Volumes.open(truth, truthDataset)) {
            VolumeInfo si = s.info();
            VolumeInfo ti = t.info();
            for (VolumeInfo i : new VolumeInfo[] {si, ti}) {
                if (i.channels() > 0 || i.dtype().isFloating()) {
                    throw BasinException.badInput(i.where() + ": labels must be a 3D integer volume; got " + i.dtype().label()
                            + " " + java.util.Arrays.toString(i.arrayShape()));
                }
            }
            if (!java.util.Arrays.equals(si.shape(), ti.shape())) {
                throw BasinException.badInput(si.where() + " is " + Triplet.xyz(si.shape()) + " but " + ti.where() + " is "
                        + Triplet.xyz(ti.shape()) + " (x,y,z); they must match");
            }
            int[] shape = si.shape();
            if (partial != null) {
                ChunkGrid grid = region.grid(shape, new int[3], si.where());
                Box b = region.block.core(grid);
                scores.add(t.read(b).convert(DType.INT64).longs(), s.read(b).convert(DType.INT64).longs());
                long[] cells = scores.cells();
                Map<String, Object> attrs = new LinkedHashMap<>();
                attrs.put("basin_version", Version.get());
                attrs.put("cells", (long) cells.length / 3);
                attrs.put("box_min", b.min());
                attrs.put("box_max", b.max());
                Hdf5Files.write(partial, attrs, cells.length == 0 ? List.of()
                        : List.of(Hdf5Files.Entry.table("contingency", DType.INT64, new int[] {cells.length / 3, 3}, cells)), false);
                log("%s: %d cells of the contingency table of %s", region.block.name(), cells.length / 3, b);
                return 0;
            }
            int slab = Math.max(1, (int) Math.min(shape[0], 16_000_000L / Math.max(1, (long) shape[1] * shape[2])));
            for (int z = 0; z < shape[0]; z += slab) {
                Box b = new Box(new int[] {z, 0, 0}, new int[] {Math.min(shape[0], z + slab), shape[1], shape[2]});
                scores.add(t.read(b).convert(DType.INT64).longs(), s.read(b).convert(DType.INT64).longs());
            }
        }
        return report(scores, segmentation + " against " + truth);
    }

    private SegmentationScores.Zero zeroConvention() {
        return switch (zero) {
            case "singletons" -> SegmentationScores.Zero.SINGLETONS;
            case "label" -> SegmentationScores.Zero.LABEL;
            default -> throw BasinException.badArguments("--zero: '" + zero + "' is neither singletons nor label");
        };
    }

    private int report(SegmentationScores scores, String what) {
        SegmentationScores.Zero z = zeroConvention();
        if (agglomeration == null) {
            Map<String, Object> m = scoresOf(scores.scores("the ground truth", z), what, null);
            writeJson(m);
            return 0;
        }
        Map<String, Object> attrs = Hdf5Files.readAttributes(agglomeration);
        if (!(attrs.get("thresholds") instanceof double[] ts)) {
            throw BasinException.badInput(agglomeration + ": no 'thresholds' attribute: not the segments.h5 of basin agglomerate");
        }
        // the segmentation's own scores stay at the top level, as without --agglomeration; the thresholds' in results
        Map<String, Object> m = scoresOf(scores.scores("the ground truth", z), what + " (segments, no agglomeration)", null);
        List<Map<String, Object>> all = new java.util.ArrayList<>();
        for (double t : ts) {
            String name = AgglomerateCommand.name((float) t);
            long[] table = Hdf5Files.readTable(agglomeration, name).longs();
            SegmentationScores at = scores.relabelled(table, agglomeration + ":" + name);
            all.add(scoresOf(at.scores("the ground truth", z), what + " agglomerated at " + (float) t, (float) t));
        }
        m.put("agglomeration", agglomeration.toString());
        m.put("results", all);
        writeJson(m);
        return 0;
    }

    /** One segmentation's scores, printed and as a JSON object (threshold null: the segmentation as it is). */
    private Map<String, Object> scoresOf(SegmentationScores.Scores r, String what, Float threshold) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scored", what);
        if (threshold != null) {
            m.put("threshold", (double) threshold);
        }
        m.put("zero", r.zero().name().toLowerCase(Locale.ROOT));
        m.put("voi_split", r.voiSplit());
        m.put("voi_merge", r.voiMerge());
        m.put("voi", r.voiSplit() + r.voiMerge());
        m.put("adapted_rand_error", r.adaptedRandError());
        m.put("rand_precision", r.randPrecision());
        m.put("rand_recall", r.randRecall());
        m.put("voxels_scored", r.voxels());
        m.put("truth_segments", r.truthSegments());
        m.put("segments", r.segments());
        var out = spec.commandLine().getOut();
        if (agglomeration != null) {
            out.printf(Locale.ROOT, "%s%n", threshold == null ? "segments (no agglomeration):" : "threshold " + threshold + ":");
        }
        out.printf(Locale.ROOT, "label 0 scored as:  %s%n", r.zero() == SegmentationScores.Zero.SINGLETONS ? "singletons (CREMI)" : "one label");
        out.printf(Locale.ROOT, "VOI split:          %.4f bits%n", r.voiSplit());
        out.printf(Locale.ROOT, "VOI merge:          %.4f bits%n", r.voiMerge());
        out.printf(Locale.ROOT, "adapted Rand error: %.4f (precision %.4f, recall %.4f)%n", r.adaptedRandError(), r.randPrecision(), r.randRecall());
        out.printf(Locale.ROOT, "voxels scored:      %d (%d truth segments, %d segments)%n", r.voxels(), r.truthSegments(), r.segments());
        out.flush();
        return m;
    }

    private void writeJson(Map<String, Object> m) {
        if (output != null) {
            Path tmp = AtomicFiles.temporaryFor(output);
            try {
                Files.writeString(tmp, Json.write(m) + "\n");
            } catch (IOException e) {
                AtomicFiles.discard(tmp);
                throw BasinException.io(output + ": cannot write in " + output.toAbsolutePath().getParent() + " (" + IoErrors.reason(e) + ")", e);
            }
            AtomicFiles.commit(tmp, output);
        }
    }
}
