package org.basin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.basin.chunk.ChunkGrid;
import org.basin.chunk.GridBlock;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.ChunkStore;
import org.basin.io.IoErrors;
import org.basin.io.MeshFiles;
import org.basin.io.PrecomputedMeshes;
import org.basin.io.Stores;
import org.basin.io.TaskTable;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.mesh.BlockMeshes;
import org.basin.mesh.MeshJoin;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "mesh", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Neuroglancer meshes of a segmentation (legacy precomputed format, next to the store in meshes/).",
            "Per block (--chunk, --grid-block): marching cubes over every segment of the block in one pass, simplified within",
            "--max-error nm; writes one fragment per segment and lists them in --fragments-output. --manifests with",
            "--fragment-lists: each segment's manifest from the blocks' lists. Without a block: the whole volume, manifests",
            "included. --segment ID --output x.obj|x.ply: one object assembled from its fragments, for other tools."})
final class MeshCommand extends ToolCommand {
    @Option(names = "--segmentation", description = "Segmentation volume (uint64 ids; any integer type).")
    Path segmentation;

    @Option(names = "--segmentation-dataset", description = "Dataset inside the segmentation file or group.")
    String segmentationDataset;

    @Option(names = "--meshes", description = "The mesh folder (default: meshes/ beside the segmentation store).")
    Path meshes;

    @Option(names = "--chunk", description = "Chunk core x,y,z of the grid the blocks are given in (the watershed's).")
    void chunk(String v) {
        this.chunk = Triplet.positiveInts(v);
    }

    int[] chunk;

    @Option(names = "--grid-block", arity = "1..*", description = {"The blocks to mesh: first and last grid position x0,y0,z0,x1,y1,z1",
        "(inclusive) or x,y,z, as basin plan lists them; several: one after the other, each its own fragments."})
    List<String> gridBlocks;

    @Option(names = "--max-error", paramLabel = "NM", description = {"Simplification bound in nm: every vertex stays within it of the",
        "marching-cubes surface and of the plane of every triangle merged into it; 0: no simplification",
        "(default: the smallest voxel size)."})
    Double maxError;

    @Option(names = "--voxel-size", description = "Voxel size x,y,z in nm (default: the store's OME-Zarr scale, else 1,1,1).")
    void voxelSize(String v) {
        this.voxelSize = Triplet.positiveDoubles(v);
    }

    double[] voxelSize;

    @Option(names = "--fragments-output", description = "Per block: a table of the fragments written (segment, fragment, vertices, triangles).")
    Path fragmentsOutput;

    @Option(names = "--manifests", description = "Write every segment's manifest (and info) from --fragment-lists; reads no voxels.")
    boolean manifests;

    @Option(names = "--fragment-lists", arity = "1..*", description = "The blocks' --fragments-output tables (or a folder of *.tsv).")
    List<Path> fragmentLists;

    @Option(names = "--segment", description = "Export this segment's mesh (with --output).")
    String segment;

    @Option(names = "--output", description = "With --segment: an .obj or .ply file.")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing --output.")
    boolean overwrite;

    @Override
    protected int execute() {
        if (segment != null || output != null) {
            return export();
        }
        if (manifests) {
            return writeManifests();
        }
        if (segmentation == null) {
            throw BasinException.badArguments("give --segmentation (meshing), --manifests --fragment-lists, or --segment with --output");
        }
        return meshBlock();
    }

    private ChunkStore meshStore() {
        Path dir = meshes;
        if (dir == null) {
            if (segmentation == null) {
                throw BasinException.badArguments("give --meshes (or --segmentation: its meshes/ folder)");
            }
            Path parent = segmentation.toAbsolutePath().getParent();
            dir = Stores.isS3(segmentation) ? segmentation.resolveSibling("meshes") : parent.resolve("meshes");
        }
        ChunkStore store = Stores.of(dir);
        store.create();
        return store;
    }

    private int meshBlock() {
        if (fragmentLists != null) {
            throw BasinException.badArguments("--fragment-lists goes with --manifests");
        }
        long started = System.nanoTime();
        try (VolumeReader reader = Volumes.open(segmentation, segmentationDataset)) {
            VolumeInfo info = reader.info();
            if (info.channels() > 0 || info.dtype().isFloating()) {
                throw BasinException.badInput(info.where() + ": a segmentation must be a 3D integer volume; got " + info.dtype().label() + " "
                        + java.util.Arrays.toString(info.arrayShape()));
            }
            int[] shape = info.shape();
            double[] vs = voxelSize != null ? voxelSize : info.voxelSize();
            if (vs == null) {
                vs = new double[] {1, 1, 1};
                log("%s says no voxel size: 1,1,1 nm (pass --voxel-size x,y,z)", info.where());
            }
            double bound = maxError != null ? maxError : Math.min(vs[0], Math.min(vs[1], vs[2]));
            if (bound < 0 || Double.isNaN(bound) || Double.isInfinite(bound)) {
                throw BasinException.badArguments("--max-error: " + maxError + " nm; give 0 (no simplification) or more");
            }
            List<Box> cores = cores(shape, info.where());
            boolean whole = gridBlocks == null;
            ChunkStore store = meshStore();
            PrecomputedMeshes.writeInfo(store);
            TaskTable table = new TaskTable("segment", "fragment", "vertices", "triangles");
            for (Box core : cores) {
                long blockStarted = System.nanoTime();
                Box read = BlockMeshes.readBox(core, shape);
                Block labels = reader.read(read);
                if (labels.dtype() != DType.UINT64 && labels.dtype() != DType.INT64) {
                    labels = Block.of(labels.convert(DType.INT64).longs(), read);
                }
                long t0 = System.nanoTime();
                List<BlockMeshes.Piece> pieces = BlockMeshes.mesh(labels, core, shape, vs, bound);
                double meshSeconds = (System.nanoTime() - t0) / 1e9;
                long before = 0;
                long after = 0;
                for (BlockMeshes.Piece p : pieces) {
                    String name = PrecomputedMeshes.fragmentName(p.segment(), core);
                    PrecomputedMeshes.writeFragment(store, name, p.vertices(), p.triangles());
                    table.add(Long.toUnsignedString(p.segment()), name, p.vertexCount(), p.triangleCount());
                    before += p.originalTriangles();
                    after += p.triangleCount();
                    if (whole) {
                        PrecomputedMeshes.writeManifest(store, p.segment(), List.of(name));
                    }
                }
                log(String.format(Locale.ROOT, "%s: %d segments, %d triangles simplified to %d (%.1fx, within %.3g nm); meshing %.2f s"
                        + " (%.2f Mvoxel/s), %.2f s with reading and writing", core, pieces.size(), before, after,
                        after == 0 ? 1.0 : (double) before / after, bound, meshSeconds, core.voxels() / 1e6 / meshSeconds,
                        (System.nanoTime() - blockStarted) / 1e9));
            }
            // the table comes last: a task that died part-way has none, and its blocks are meshed again
            if (fragmentsOutput != null) {
                table.write(fragmentsOutput);
            }
            log("%d blocks, %d fragments in %s, %.2f s in all", cores.size(), table.size(), store.location(), (System.nanoTime() - started) / 1e9);
        }
        return 0;
    }

    /** The cores of the --grid-block blocks in the --chunk grid, or the whole volume when none is given. */
    private List<Box> cores(int[] shape, String where) {
        if (gridBlocks == null) {
            if (chunk != null) {
                throw BasinException.badArguments("--chunk goes with --grid-block (without both, the whole volume is one block)");
            }
            return List.of(Box.ofShape(shape));
        }
        if (chunk == null) {
            throw BasinException.badArguments("--grid-block needs --chunk (the grid the blocks are positions of)");
        }
        ChunkGrid grid = ChunkGrid.withHalo(shape, chunk, new int[3]);
        List<Box> out = new ArrayList<>();
        for (String b : gridBlocks) {
            GridBlock block;
            try {
                block = GridBlock.parse(b);
            } catch (IllegalArgumentException e) {
                throw BasinException.badArguments("--grid-block: " + e.getMessage());
            }
            if (!block.fits(grid.gridShape())) {
                throw BasinException.badArguments("--grid-block " + block.xyz() + " lies outside the grid " + Triplet.xyz(grid.gridShape())
                        + " (x,y,z) of " + where + " in chunks of " + Triplet.xyz(chunk));
            }
            out.add(block.core(grid));
        }
        return out;
    }

    private int writeManifests() {
        if (fragmentLists == null || fragmentLists.isEmpty()) {
            throw BasinException.badArguments("--manifests needs --fragment-lists (the blocks' --fragments-output tables)");
        }
        // segment -> its fragments, from lists only: a (segment, block) pair costs a name, never a triangle
        Map<Long, List<String>> bySegment = new TreeMap<>(Long::compareUnsigned);
        int tables = 0;
        for (Path list : expandLists(fragmentLists)) {
            TaskTable t = TaskTable.read(list, "segment", "fragment");
            List<String> ids = t.column("segment");
            List<String> names = t.column("fragment");
            for (int i = 0; i < ids.size(); i++) {
                long id;
                try {
                    id = Long.parseUnsignedLong(ids.get(i));
                } catch (NumberFormatException e) {
                    throw BasinException.badInput(list + ": row " + (i + 1) + ": segment '" + ids.get(i) + "' is not a uint64 id");
                }
                bySegment.computeIfAbsent(id, k -> new ArrayList<>()).add(names.get(i));
            }
            tables++;
        }
        ChunkStore store = meshStore();
        PrecomputedMeshes.writeInfo(store);
        long fragments = 0;
        for (Map.Entry<Long, List<String>> e : bySegment.entrySet()) {
            List<String> f = e.getValue();
            f.sort(null);
            PrecomputedMeshes.writeManifest(store, e.getKey(), f);
            fragments += f.size();
        }
        log("%d manifests (%d fragments) from %d block tables in %s", bySegment.size(), fragments, tables, store.location());
        return 0;
    }

    private static List<Path> expandLists(List<Path> inputs) {
        List<Path> out = new ArrayList<>();
        for (Path p : inputs) {
            if (Files.isDirectory(p)) {
                try (var s = Files.list(p)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".tsv")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw BasinException.io(p + ": cannot list (" + IoErrors.reason(e) + ")", e);
                }
            } else if (!Files.isRegularFile(p)) {
                throw BasinException.badArguments("--fragment-lists " + p + ": no such file");
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private int export() {
        if (segment == null || output == null) {
            throw BasinException.badArguments("an export needs both --segment ID and --output x.obj|x.ply");
        }
        long id;
        try {
            id = Long.parseUnsignedLong(segment);
        } catch (NumberFormatException e) {
            throw BasinException.badArguments("--segment '" + segment + "' is not a segment id (a whole number, 1 to 2^64 - 1)");
        }
        if (id == 0) {
            throw BasinException.badArguments("--segment 0 is the background: it has no mesh");
        }
        MeshFiles.format(output); // a bad name fails before anything is read
        AtomicFiles.checkWritable(output, overwrite);
        ChunkStore store = meshStore();
        List<float[]> vertices = new ArrayList<>();
        List<int[]> triangles = new ArrayList<>();
        for (String name : PrecomputedMeshes.readManifest(store, id)) {
            PrecomputedMeshes.Fragment f = PrecomputedMeshes.readFragment(store, name);
            vertices.add(f.vertices());
            triangles.add(f.triangles());
        }
        MeshJoin.Joined j = MeshJoin.join(vertices, triangles);
        MeshFiles.write(output, j.vertices(), j.triangles(), "basin mesh: segment " + Long.toUnsignedString(id) + ", nm", overwrite);
        log("segment %s: %d fragments, %d vertices, %d triangles -> %s", Long.toUnsignedString(id), vertices.size(), j.vertices().length / 3,
                j.triangles().length / 3, output);
        return 0;
    }
}
