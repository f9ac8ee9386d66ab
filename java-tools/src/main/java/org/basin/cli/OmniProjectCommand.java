package org.basin.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.Hdf5Files;
import org.basin.io.Digest;
import org.basin.io.Json;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.omni.OmniCommandFile;
import org.basin.omni.Relabeling;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "omni-project", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Turn one region from omnify-chop into an Omni-ready folder, reading its box from the raw and segmentation",
            "volumes the region file names: channel.h5 and segmentation.h5 (dataset",
            "'main', uint8 / uint32; dend and dendValues when the region has them), omnify.cmd (Omni headless commands with the region's offset and voxel size), run.sh",
            "and id_map.csv (local id -> global id). Runs Omni when --run-omni is given and 'omni' is on PATH."})
final class OmniProjectCommand extends ToolCommand {
    @Option(names = "--region", required = true, description = "A region_X_Y_Z.h5 file from omnify-chop.")
    Path region;

    @Option(names = "--out-dir", required = true, description = "Folder in which the project folder (named after the region) is made.")
    Path outDir;

    @Option(names = "--run-omni", description = "Also run 'omni --headless' now when it is on PATH.")
    boolean runOmni;

    @Option(names = "--overwrite", description = "Replace an existing project folder.")
    boolean overwrite;

    @Override
    protected int execute() throws Exception {
        if (!Files.isRegularFile(region)) {
            throw BasinException.badArguments(region + ": no such region file");
        }
        Map<String, Object> attrs = Hdf5Files.readAttributes(region);
        if (!(attrs.get("box_min") instanceof int[] min) || !(attrs.get("voxel_size") instanceof double[] vs)) {
            throw BasinException.badInput(region + ": not a basin omnify-chop region (no box_min / voxel_size attributes)");
        }
        long[] idMap = Hdf5Files.readTable(region, "id_map").longs();
        Box regionBox = Box.of(min, shapeOf(attrs));
        Block channel;
        Block seg;
        try (VolumeReader r = Volumes.open(Path.of(text(attrs, "raw")), blankToNull(text(attrs, "raw_dataset")))) {
            channel = OmnifyChopCommand.toUint8(r.read(regionBox));
        }
        Block global;
        try (VolumeReader r = Volumes.open(Path.of(text(attrs, "segmentation")), blankToNull(text(attrs, "segmentation_dataset")))) {
            global = r.read(regionBox).convert(DType.UINT64);
        }
        // a digest of the store chunks (the pipeline's) was checked by the pipeline's cache keys; one of voxels is
        // checked here, against the voxels just read
        boolean ofVoxels = !"store_chunks".equals(attrs.get("region_digest_of"));
        if (ofVoxels && !new Digest().update(Digest.of(channel)).update(Digest.of(global)).hex().equals(attrs.get("region_digest"))) {
            throw BasinException.badInput(region + ": the raw or segmentation voxels in its box " + regionBox + " are not those omnify-chop"
                    + " cut it from (" + text(attrs, "raw") + ", " + text(attrs, "segmentation") + " changed since): rerun omnify-chop");
        }
        int[] local = Relabeling.localIds(global.longs(), idMap);
        if (local == null) {
            throw BasinException.badInput(region + ": its id_map does not hold every segment of " + text(attrs, "segmentation"));
        }
        seg = Block.wrap(DType.UINT32, 0, regionBox, local);
        String name = region.getFileName().toString().replaceFirst("\\.h5$", "");
        Path project = outDir.resolve(name);
        AtomicFiles.checkWritable(project, overwrite);
        Path tmp = AtomicFiles.temporaryFor(project);
        Box box = Box.of(min, channel.shape());
        try {
            Files.createDirectories(tmp);
            Map<String, Object> h5attrs = new LinkedHashMap<>();
            h5attrs.put("basin_version", Version.get());
            h5attrs.put("offset_xyz", new int[] {min[2], min[1], min[0]});
            h5attrs.put("voxel_size_xyz", new double[] {vs[2], vs[1], vs[0]});
            Hdf5Files.write(tmp.resolve("channel.h5"), h5attrs, List.of(Hdf5Files.Entry.of("main", channel)), false);
            List<Hdf5Files.Entry> segEntries = new ArrayList<>(List.of(Hdf5Files.Entry.of("main", seg)));
            // Omni's dendrogram for this region, when omnify-chop was given the stitch tree
            if (((Number) Hdf5Files.readAttributes(region).getOrDefault("dend_edges", 0L)).longValue() > 0) {
                Hdf5Files.Table dend = Hdf5Files.readTable(region, "dend");
                Hdf5Files.Table values = Hdf5Files.readTable(region, "dendValues");
                segEntries.add(Hdf5Files.Entry.table("dend", DType.UINT32, dend.shape(), dend.data()));
                segEntries.add(Hdf5Files.Entry.table("dendValues", DType.FLOAT32, values.shape(), values.data()));
            }
            Hdf5Files.write(tmp.resolve("segmentation.h5"), h5attrs, segEntries, false);
            Files.writeString(tmp.resolve("omnify.cmd"),
                    OmniCommandFile.text(name + ".omni", "channel.h5", "segmentation.h5", box, vs), StandardCharsets.UTF_8);
            Path run = tmp.resolve("run.sh");
            Files.writeString(run, runScript(name), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));
            StringBuilder csv = new StringBuilder("local_id,global_id\n");
            for (int i = 1; i < idMap.length; i++) {
                csv.append(i).append(',').append(Long.toUnsignedString(idMap[i])).append('\n');
            }
            Files.writeString(tmp.resolve("id_map.csv"), csv, StandardCharsets.UTF_8);
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("name", name);
            info.put("box_min_xyz", new int[] {box.min(2), box.min(1), box.min(0)});
            info.put("box_max_xyz", new int[] {box.max(2), box.max(1), box.max(0)});
            info.put("voxel_size_xyz", new double[] {vs[2], vs[1], vs[0]});
            OmniCommandFile.Geometry g = OmniCommandFile.Geometry.of(box, vs);
            info.put("omni_resolution_xyz", g.resolutionXyz());
            info.put("omni_offset_xyz", g.offsetXyz());
            if (g.rounded()) {
                info.put("omni_rounding", g.note(vs));
            }
            info.put("segments", idMap.length - 1);
            Json.write(tmp.resolve("project.json"), info);
            AtomicFiles.commit(tmp, project);
        } catch (IOException e) {
            throw BasinException.io(project + ": cannot write (" + e.getMessage() + ")", e);
        } finally {
            AtomicFiles.discard(tmp);
        }
        log("%s: %d segments, box %s, in %s", name, idMap.length - 1, box, project);
        if (runOmni) {
            runOmni(project);
        }
        return 0;
    }

    private String text(Map<String, Object> attrs, String key) {
        if (!(attrs.get(key) instanceof String v)) {
            throw BasinException.badInput(region + ": not a region file of this basin's omnify-chop (no '" + key + "' attribute): rerun omnify-chop");
        }
        return v;
    }

    private int[] shapeOf(Map<String, Object> attrs) {
        if (!(attrs.get("box_max") instanceof int[] max) || !(attrs.get("box_min") instanceof int[] min) || max.length != 3 || min.length != 3) {
            throw BasinException.badInput(region + ": not a basin omnify-chop region (no box_min / box_max attributes)");
        }
        return new int[] {max[0] - min[0], max[1] - min[1], max[2] - min[2]};
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** Omni builds its binary as omni.desktop; OMNI names any other. */
    private static String runScript(String name) {
        return "#!/usr/bin/env bash\n"
                + "# Builds the Omni project " + name + ".omni from this folder (written by basin omni-project).\n"
                + "# The Omni binary: $OMNI when set, else omni or omni.desktop on PATH.\n"
                + "set -euo pipefail\n"
                + "cd \"$(dirname \"$0\")\"\n"
                + "bin=\"${OMNI:-}\"\n"
                + "if [ -z \"$bin\" ]; then\n"
                + "  for c in omni omni.desktop; do\n"
                + "    if command -v \"$c\" >/dev/null 2>&1; then bin=$c; break; fi\n"
                + "  done\n"
                + "fi\n"
                + "if [ -z \"$bin\" ]; then\n"
                + "  echo \"neither omni nor omni.desktop is on PATH (or set OMNI=/path/to/omni): install Omni"
                + " (https://github.com/seung-lab/omni.play) and rerun $0\" >&2\n"
                + "  exit 127\n"
                + "fi\n"
                + "exec \"$bin\" --headless --cmdfile=omnify.cmd\n";
    }

    private void runOmni(Path project) throws IOException, InterruptedException {
        boolean found = System.getenv("OMNI") != null && !System.getenv("OMNI").isEmpty();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, "omni")) || Files.isExecutable(Path.of(dir, "omni.desktop"));
        }
        if (!found) {
            log("neither omni nor omni.desktop is on PATH (nor OMNI set); run %s later to build the Omni project", project.resolve("run.sh"));
            return;
        }
        Process p = new ProcessBuilder("bash", "run.sh").directory(project.toFile()).inheritIO().start();
        int rc = p.waitFor();
        if (rc != 0) {
            throw new BasinException(org.basin.error.ExitCode.IO_FAILURE, project + ": omni exited with " + rc);
        }
    }
}
