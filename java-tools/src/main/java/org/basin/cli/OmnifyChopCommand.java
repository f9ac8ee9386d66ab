package org.basin.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.Digest;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.Stores;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.omni.RegionGrid;
import org.basin.omni.Dendrogram;
import org.basin.omni.Relabeling;
import org.basin.volume.Block;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "omnify-chop", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Cut segmentation + raw into overlapping proofreading regions (--divs per axis, as the omnify scripts),",
            "relabel each region's segments 1..N and keep its local -> global id map. Writes one region_X_Y_Z.h5 per",
            "region (its box, the volumes it reads and a digest of their voxels there, id_map uint64, dend / dendValues)",
            "and manifest.json listing every region's box; omni-project reads the voxels from the volumes themselves."})
final class OmnifyChopCommand extends ToolCommand {
    @Option(names = "--segmentation", required = true, description = "Segmentation volume (uint64 from stitch, any integer type).")
    Path segmentation;

    @Option(names = "--segmentation-dataset", description = "Dataset inside the segmentation file or group.")
    String segmentationDataset;

    @Option(names = "--raw", required = true, description = "Raw EM volume (same shape).")
    Path raw;

    @Option(names = "--raw-dataset", description = "Dataset inside the raw file or group.")
    String rawDataset;

    @Option(names = "--divs", required = true, description = "Regions per axis x,y,z.")
    void divs(String v) {
        this.divs = Triplet.ints(v);
    }

    int[] divs;

    @Option(names = "--overlap", defaultValue = "0", description = "Voxels x,y,z shared by neighbouring regions (default ${DEFAULT-VALUE}).")
    void overlap(String v) {
        this.overlap = Triplet.ints(v);
    }

    int[] overlap;

    @Option(names = "--tree", description = {"The segments' spanning tree from stitch --tree, or the merges of basin agglomerate",
        "(agglomeration_tree.h5: Omni's threshold slider then follows the agglomeration): each region gets the edges between",
        "its own segments as dend (uint32, 2 x N, local ids) and dendValues (float32, N)."})
    Path tree;

    @Option(names = "--region", description = {"Only this region (its position x,y,z in the --divs grid): the pipeline runs one task per",
        "region, each reading its own box; manifest.json then lists that region alone."})
    void region(String v) {
        this.region = Triplet.ints(v);
    }

    int[] region;

    @Option(names = "--input-digest", description = {"The digest of the store chunks this region reads, as the pipeline derives it from",
        "its tasks' digests: the region's digest then names those chunks and the raw is not read at all (only its header).",
        "Without it the digest is of the region's raw and segmentation voxels, and omni-project checks them again."})
    String inputDigest;

    @Option(names = "--out-dir", required = true, description = "Folder for region files and manifest.json.")
    Path outDir;

    @Option(names = "--overwrite", description = "Replace an existing --out-dir.")
    boolean overwrite;

    @Override
    protected int execute() throws Exception {
        try (VolumeReader seg = Volumes.open(segmentation, segmentationDataset); VolumeReader img = Volumes.open(raw, rawDataset)) {
            VolumeInfo si = seg.info();
            VolumeInfo ri = img.info();
            if (si.channels() > 0 || si.dtype().isFloating()) {
                throw BasinException.badInput(si.where() + ": a segmentation is a 3D integer volume; got " + si.dtype().label()
                        + " " + Arrays.toString(si.arrayShape()));
            }
            if (ri.channels() > 0) {
                throw BasinException.badInput(ri.where() + ": raw must be 3D (z, y, x); got " + Arrays.toString(ri.arrayShape()));
            }
            if (!Arrays.equals(si.shape(), ri.shape())) {
                throw BasinException.badInput(si.where() + " is " + Triplet.xyz(si.shape()) + " but " + ri.where() + " is "
                        + Triplet.xyz(ri.shape()) + " (x,y,z); they must match");
            }
            double[] vs = si.voxelSize() != null ? si.voxelSize() : ri.voxelSize() != null ? ri.voxelSize() : new double[] {1, 1, 1};
            List<Chunk> regions = RegionGrid.regions(si.shape(), divs, overlap);
            if (region != null) {
                regions = regions.stream().filter(c -> Arrays.equals(c.position(), region)).toList();
                if (regions.isEmpty()) {
                    throw BasinException.badArguments("--region " + Triplet.xyz(region) + " is outside the --divs grid " + Triplet.xyz(divs) + " (x,y,z)");
                }
            }
            long[] treeIds = new long[0];
            float[] treeAffinity = new float[0];
            if (tree != null) {
                if (!Files.isRegularFile(tree)) {
                    throw BasinException.badArguments(tree + ": no such file");
                }
                Map<String, Object> treeAttrs = Hdf5Files.readAttributes(tree);
                if (((Number) treeAttrs.getOrDefault("edges", 0L)).longValue() > 0) {
                    treeIds = Hdf5Files.readTable(tree, "edges").longs();
                    treeAffinity = Hdf5Files.readTable(tree, "affinity").floats();
                }
                checkTreeBelongs(treeAttrs, treeIds, treeAffinity, si);
            }
            AtomicFiles.checkOutsideOf(segmentation, outDir, "--out-dir");
            AtomicFiles.checkOutsideOf(raw, outDir, "--out-dir");
            if (tree != null) {
                AtomicFiles.checkOutsideOf(tree, outDir, "--out-dir");
            }
            AtomicFiles.checkWritable(outDir, overwrite);
            Path tmp = AtomicFiles.temporaryFor(outDir);
            try {
                Files.createDirectories(tmp);
                List<Map<String, Object>> manifest = new ArrayList<>();
                Progress progress = new Progress("basin omnify-chop: regions", regions.size());
                for (Chunk region : regions) {
                    Block s = seg.read(region.padded()).convert(DType.UINT64);
                    Relabeling rl = Relabeling.of(s.longs());
                    if (rl.count() > 0xFFFFFFFEL) {
                        throw BasinException.badInput(region.name() + ": more than 2^32 segments");
                    }
                    // the region file names its volumes and carries a digest of the voxels it was made from, not a copy of
                    // them: OMNI_PROJECT reads its box from the stores (a copy cost 5 bytes per region voxel, or most of
                    // this task deflating it), and its cache key still changes whenever those voxels do
                    // with --input-digest the pipeline's keys already change whenever a chunk under the region does
                    String regionDigest = inputDigest != null ? inputDigest
                            : new Digest().update(Digest.of(toUint8(img.read(region.padded())))).update(Digest.of(s)).hex();
                    String name = "region_" + region.position()[2] + "_" + region.position()[1] + "_" + region.position()[0];
                    Map<String, Object> attrs = new LinkedHashMap<>();
                    attrs.put("basin_version", Version.get());
                    attrs.put("axes", "zyx");
                    attrs.put("region_position", region.position());
                    attrs.put("box_min", region.padded().min());
                    attrs.put("box_max", region.padded().max());
                    attrs.put("core_min", region.core().min());
                    attrs.put("core_max", region.core().max());
                    attrs.put("volume_shape", si.shape());
                    attrs.put("voxel_size", vs);
                    attrs.put("segments", (long) rl.count());
                    attrs.put("raw", location(raw));
                    attrs.put("raw_dataset", ri.dataset() == null ? "" : ri.dataset());
                    attrs.put("segmentation", location(segmentation));
                    attrs.put("segmentation_dataset", si.dataset() == null ? "" : si.dataset());
                    attrs.put("region_digest", regionDigest);
                    attrs.put("region_digest_of", inputDigest != null ? "store_chunks" : "voxels");
                    List<Hdf5Files.Entry> entries = new ArrayList<>(List.of(
                            Hdf5Files.Entry.table("id_map", DType.UINT64, new int[] {rl.globalOfLocal().length}, rl.globalOfLocal())));
                    Dendrogram dend = Dendrogram.restrict(treeIds, treeAffinity, rl);
                    attrs.put("dend_edges", (long) dend.size());
                    if (dend.size() > 0) {
                        entries.add(Hdf5Files.Entry.table("dend", DType.UINT32, new int[] {2, dend.size()}, dend.ids()));
                        entries.add(Hdf5Files.Entry.table("dendValues", DType.FLOAT32, new int[] {dend.size()}, dend.values()));
                    }
                    Hdf5Files.write(tmp.resolve(name + ".h5"), attrs, entries, false);
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("name", name);
                    entry.put("file", name + ".h5");
                    entry.put("box_min_xyz", new int[] {region.padded().min(2), region.padded().min(1), region.padded().min(0)});
                    entry.put("box_max_xyz", new int[] {region.padded().max(2), region.padded().max(1), region.padded().max(0)});
                    entry.put("segments", rl.count());
                    manifest.add(entry);
                    progress.step(manifest.size());
                }
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("basin_version", Version.get());
                doc.put("segmentation", si.where());
                doc.put("raw", ri.where());
                doc.put("volume_shape_xyz", new int[] {si.shape()[2], si.shape()[1], si.shape()[0]});
                doc.put("voxel_size_xyz", new double[] {vs[2], vs[1], vs[0]});
                doc.put("divs_xyz", new int[] {divs[2], divs[1], divs[0]});
                doc.put("overlap_xyz", new int[] {overlap[2], overlap[1], overlap[0]});
                doc.put("projects", manifest);
                Json.write(tmp.resolve("manifest.json"), doc);
                // with --region, other regions' files in the folder are another task's
                String only = region == null ? null : "region_" + region[2] + "_" + region[1] + "_" + region[0] + ".h5";
                AtomicFiles.commitInto(tmp, outDir, overwrite, n -> n.equals("manifest.json")
                        || (only == null ? n.matches("region_\\d+_\\d+_\\d+\\.h5") : n.equals(only)));
            } finally {
                AtomicFiles.discard(tmp);
            }
            log("%d regions (divs %s, overlap %s x,y,z) in %s", regions.size(), Triplet.xyz(divs), Triplet.xyz(overlap), outDir);
        }
        return 0;
    }

    /**
     * Another run's tree gives every Omni project an unrelated dendrogram: the tree must have the segmentation's
     * segment count and (when stitch wrote the segmentation) its tree digest, and name no segment beyond it.
     */
    private void checkTreeBelongs(Map<String, Object> treeAttrs, long[] ids, float[] affinity, VolumeInfo si) {
        Object segs = si.attributes().get("segments");
        Object treeSegs = treeAttrs.get("segments");
        String not = "; not this segmentation's tree (another run's?): give the segment_tree.h5 stitch wrote with it";
        if (segs instanceof Number s && treeSegs instanceof Number t && s.longValue() != t.longValue()) {
            throw BasinException.badInput(tree + ": a tree of " + t + " segments, but " + si.where() + " has " + s + not);
        }
        Object digest = si.attributes().get("tree_digest");
        // an agglomeration tree (basin agglomerate) names the stitched segmentation it was made for
        boolean agglomerationOfIt = digest instanceof String d && d.equals(treeAttrs.get("segmentation_tree_digest"));
        if (digest instanceof String d && !agglomerationOfIt && !d.equals(StitchCommand.treeDigest(ids, affinity))) {
            throw BasinException.badInput(tree + ": its edges are not those of the tree " + si.where() + " was stitched with (tree_digest "
                    + d + ")" + not);
        }
        if (segs instanceof Number s) {
            for (long id : ids) {
                if (id < 1 || id > s.longValue()) {
                    throw BasinException.badInput(tree + ": edge of segment " + Long.toUnsignedString(id) + ", but " + si.where()
                            + " has segments 1.." + s + not);
                }
            }
        }
    }

    /** Where omni-project finds a volume again: an absolute path, or the s3:// location as given. */
    private static String location(Path p) {
        return Stores.isS3(p) ? p.toString() : p.toAbsolutePath().toString();
    }

    /** Omni channels are uint8: uint16 keeps its high byte, floats in [0, 1] scale by 255, integers clamp. */
    static Block toUint8(Block b) {
        if (b.dtype() == DType.UINT8) {
            return b;
        }
        Block out = Block.allocate(DType.UINT8, b.box());
        byte[] o = out.bytes();
        for (int i = 0; i < o.length; i++) {
            double v = b.getDouble(i);
            double s = switch (b.dtype()) {
                case UINT16 -> v / 257.0;
                case FLOAT32, FLOAT64 -> v * 255.0;
                default -> v;
            };
            o[i] = (byte) Math.max(0, Math.min(255, Math.round(s)));
        }
        return out;
    }
}
