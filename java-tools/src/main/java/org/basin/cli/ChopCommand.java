package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.Chunk;
import org.basin.chunk.ChunkGrid;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkFile;
import org.basin.io.Hdf5Files;
import org.basin.io.Json;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.volume.Block;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "chop", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Cut a volume (3D raw or 4D affinities) into a chunk grid, one HDF5 file per chunk.",
            "Each file carries its core box, padded box, grid position, voxel size and the tool version.",
            "Chunks at the far edges are partial; halos are clipped at the volume edge."})
final class ChopCommand extends ToolCommand {
    @Option(names = "--input", required = true, description = "Volume to chop (HDF5, Zarr, TIFF).")
    Path input;

    @Option(names = "--dataset", description = "Dataset inside an HDF5 file or Zarr group.")
    String dataset;

    @Option(names = "--chunk", required = true, description = "Chunk core size x,y,z.")
    void chunk(String v) {
        this.chunk = Triplet.ints(v);
    }

    int[] chunk;

    static final class Padding {
        @Option(names = "--halo", description = "Context x,y,z added on both sides of each core (inference; 2,2,2 for watershed).")
    void halo(String v) {
        this.halo = Triplet.ints(v);
    }

    int[] halo;

        @Option(names = "--overlap", description = "Voxels x,y,z each chunk shares with its upper neighbours.")
    void overlap(String v) {
        this.overlap = Triplet.ints(v);
    }

    int[] overlap;
    }

    @ArgGroup(exclusive = true)
    Padding padding = new Padding();

    @Option(names = "--out-dir", required = true, description = "Folder for the chunk files (created; must not exist unless --overwrite).")
    Path outDir;

    @Option(names = "--output-dataset", description = "Dataset name in the chunk files (default: raw for 3D input, affinities for 4D).")
    String outputDataset;

    @Option(names = "--voxel-size", description = "Voxel size x,y,z in nm when the input does not say (default 1,1,1).")
    void voxelSize(String v) {
        this.voxelSize = Triplet.positiveDoubles(v);
    }

    double[] voxelSize;

    @Option(names = "--compress", description = "Deflate-compress chunk files (smaller, several times slower to write).")
    boolean compress;

    @Option(names = "--overwrite", description = "Replace an existing --out-dir.")
    boolean overwrite;

    @Override
    protected int execute() {
        try (VolumeReader reader = Volumes.open(input, dataset)) {
            VolumeInfo info = reader.info();
            int[] halo = padding.halo != null ? padding.halo : new int[3];
            int[] overlap = padding.overlap != null ? padding.overlap : new int[3];
            ChunkGrid grid = padding.overlap != null ? ChunkGrid.withOverlap(info.shape(), chunk, overlap)
                    : ChunkGrid.withHalo(info.shape(), chunk, halo);
            double[] vs = voxelSize != null ? voxelSize : info.voxelSize() != null ? info.voxelSize() : new double[] {1, 1, 1};
            String name = outputDataset != null ? outputDataset : info.channels() > 0 ? "affinities" : "raw";
            AtomicFiles.checkOutsideOf(input, outDir, "--out-dir");
            AtomicFiles.checkWritable(outDir, overwrite);
            Path tmp = AtomicFiles.temporaryFor(outDir);
            try {
                java.nio.file.Files.createDirectories(tmp);
                List<Chunk> chunks = grid.chunks();
                Progress progress = new Progress("basin chop: chunks", chunks.size());
                int done = 0;
                for (Chunk c : chunks) {
                    Block data = reader.read(c.padded());
                    Map<String, Object> attrs = ChunkFile.attributes(c, grid.gridShape(), info.shape(), vs, Version.get());
                    attrs.put("source", info.where());
                    attrs.put("halo", padding.overlap != null ? overlap : halo);
                    attrs.put("padding", padding.overlap != null ? "overlap" : "halo");
                    Map<String, Object> dsAttrs = new LinkedHashMap<>(copyableAttributes(info));
                    ChunkFile.write(tmp.resolve(c.name() + ".h5"), attrs, List.of(Hdf5Files.Entry.of(name, data, dsAttrs)), compress);
                    progress.step(++done);
                }
                Map<String, Object> summary = new LinkedHashMap<>();
                summary.put("source", info.where());
                summary.put("volume_shape_xyz", Triplet.xyz(info.shape()));
                summary.put("chunk_xyz", Triplet.xyz(chunk));
                summary.put(padding.overlap != null ? "overlap_xyz" : "halo_xyz", Triplet.xyz(padding.overlap != null ? overlap : halo));
                summary.put("grid_xyz", Triplet.xyz(grid.gridShape()));
                summary.put("chunks", chunks.size());
                Json.write(tmp.resolve("grid.json"), summary);
                AtomicFiles.commitInto(tmp, outDir, overwrite, ChopCommand::written);
                log("%d chunks of %s (x,y,z), grid %s, from %s", chunks.size(), Triplet.xyz(chunk), Triplet.xyz(grid.gridShape()), info.where());
            } catch (java.io.IOException e) {
                throw BasinException.io(outDir + ": cannot write (" + e.getMessage() + ")", e);
            } finally {
                AtomicFiles.discard(tmp);
            }
        }
        return 0;
    }

    /** What chop writes into --out-dir: --overwrite replaces these and leaves anything else there alone. */
    static boolean written(String name) {
        return name.equals("grid.json") || name.matches("chunk_\\d+_\\d+_\\d+\\.h5");
    }

    /** Dataset attributes that describe values (scale of uint8 affinities, conventions) travel with the data. */
    private static Map<String, Object> copyableAttributes(VolumeInfo info) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : new String[] {"affinity_convention", "affinity_scale"}) {
            Object v = info.attributes().get(k);
            if (v instanceof String || v instanceof Number) {
                out.put(k, v);
            }
        }
        return out;
    }
}
