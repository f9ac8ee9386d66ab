package org.basin.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.chunk.GridBlock;
import org.basin.error.BasinException;
import org.basin.io.ChunkedStore;
import org.basin.io.OmePyramid;
import org.basin.io.OmeZarr;
import org.basin.io.StoreLayout;
import org.basin.io.TaskTable;
import org.basin.io.VolumeInfo;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.pyramid.Pyramid;
import org.basin.pyramid.PyramidPlan;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pyramid", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Write OME-Zarr multiscale levels into a store basin wrote (affinities: mean; segmentation: mode), down to the",
            "level that fits one store chunk, and list them in the group's multiscales; with --input, first write the",
            "store's level 0 from any volume basin reads (the raw as an OME-Zarr pyramid). Factors come from the voxel size:",
            "2x2x1 while z is at least twice as coarse as x and y, then 2x2x2. Work goes by blocks of --block voxels, each",
            "level computed from the one before; the first wave's blocks are independent tasks (--grid-block), the rest",
            "(--wave rest) goes on from the deepest level they could write alone. The bytes written do not depend on --block."})
final class PyramidCommand extends ToolCommand {
    @Option(names = "--store", required = true, description = "The OME-Zarr group (Zarr v2 or v3) to add levels to; with --input, created.")
    Path store;

    @Option(names = "--input", description = {"Write the store's level 0 from this volume first (HDF5, Zarr, N5, TIFF, precomputed; 3-D, or",
        "4-D (c, z, y, x) such as affinities)."})
    Path input;

    @Option(names = "--dataset", description = "With --input: the dataset inside it.")
    String dataset;

    @Option(names = "--scale", description = "With --input: the level of a multiscale input to read (0 = full resolution), instead of --dataset.")
    Integer scale;

    @Option(names = "--voxel-size", description = "With --input: voxel size x,y,z in nm (default: what the input says, else 1,1,1).")
    void voxelSize(String v) {
        this.voxelSize = Triplet.positiveDoubles(v);
    }

    double[] voxelSize;

    @Option(names = "--dtype", description = {"With --input: the store's element type (default: the input's); uint64 publishes",
        "integer labels (a ground truth, another tool's segmentation) as basin's segmentations are."})
    String dtype;

    @Option(names = "--method", defaultValue = "auto", description = "mean, mode or auto (default: mode for integer labels wider than 16 bits, mean otherwise).")
    String method;

    @Option(names = "--block", defaultValue = "256,256,256", description = {"Task block x,y,z in voxels of the level a wave starts from",
        "(default ${DEFAULT-VALUE}); a multiple of the store chunk (shard) times the factors, where the grid has more than one block."})
    void block(String v) {
        this.block = Triplet.positiveInts(v);
    }

    int[] block = {256, 256, 256};

    @Option(names = "--grid-block", description = {"The blocks of the first wave to do: first and last position x0,y0,z0,x1,y1,z1 (inclusive)",
        "in the grid of --block over level 0, or x,y,z for one (default: all)."})
    void gridBlock(String v) {
        try {
            this.gridBlock = GridBlock.parse(v);
        } catch (IllegalArgumentException e) {
            throw BasinException.badArguments("--grid-block: " + e.getMessage());
        }
    }

    GridBlock gridBlock;

    @Option(names = "--wave", defaultValue = "all", description = {"first: the levels the first wave's blocks write alone (and level 0 with --input);",
        "rest: the levels below those, from the store (one task, block by block); all: both (default)."})
    String wave;

    @Option(names = "--zarr-chunk", description = "With --input: store chunk x,y,z (default 64,64,64, at most the volume).")
    void zarrChunk(String v) {
        this.zarrChunk = Triplet.positiveInts(v);
    }

    int[] zarrChunk;

    @Option(names = "--compression", defaultValue = "zstd:1", description = "With --input: the store's compression (default ${DEFAULT-VALUE}).")
    String compression;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--source-image", description = "Segmentation (mode): the image-label's source.image, the raw's group relative to this one (e.g. ../raw.zarr).")
    String sourceImage;

    @Option(names = "--digest-output", description = "A table of every store object written (level/key) and the digest of its bytes.")
    Path digestOutput;

    @Override
    protected int execute() {
        if (!List.of("first", "rest", "all").contains(wave)) {
            throw BasinException.badArguments("--wave '" + wave + "' must be first, rest or all");
        }
        if (gridBlock != null && wave.equals("rest")) {
            throw BasinException.badArguments("--grid-block names blocks of the first wave; --wave rest goes over the whole store");
        }
        if (input == null && (dataset != null || scale != null || voxelSize != null || zarrChunk != null || dtype != null)) {
            throw BasinException.badArguments("--dataset, --scale, --voxel-size, --zarr-chunk and --dtype describe --input; give --input too");
        }
        TaskTable digests = new TaskTable("name", "digest");
        VolumeReader source = null;
        try {
            OmePyramid pyramid;
            if (input != null && !wave.equals("rest")) {
                source = Volumes.open(input, Volumes.dataset(input, dataset, scale));
                pyramid = rawStore(source.info());
            } else {
                pyramid = OmePyramid.open(store);
            }
            VolumeInfo info = pyramid.info();
            Pyramid.Method m = method(info.dtype());
            double[] vs = info.voxelSize() != null ? info.voxelSize() : new double[] {1, 1, 1};
            int[] unit = pyramid.writeUnit();
            PyramidPlan plan = PyramidPlan.of(info.shape(), vs, unit);
            int last = plan.last();
            int depth = plan.alignedDepth(0, last, block, unit);
            if (gridBlock != null && !gridBlock.fits(plan.gridShape(0, block))) {
                throw BasinException.badArguments("--grid-block " + gridBlock.xyz() + " lies outside the grid " + Triplet.xyz(plan.gridShape(0, block))
                        + " (x,y,z) of --block " + Triplet.xyz(block) + " over " + Triplet.xyz(info.shape()));
            }
            List<ChunkedStore> levels = new ArrayList<>();
            levels.add(pyramid.level0());
            for (int k = 1; k <= last; k++) {
                levels.add(pyramid.level(k, plan.level(k).shape(), levelAttributes(plan.level(k))));
            }
            if (digestOutput != null) {
                levels.forEach(ChunkedStore::recordWrites); // a digest of every object written costs ~20% of a uint8 pyramid
            }
            if (!wave.equals("rest")) {
                if (source != null) {
                    checkLevel0Blocks(info.shape(), unit);
                }
                if (depth == 0 && last > 0 && source == null && wave.equals("first")) {
                    throw BasinException.badArguments("--block " + Triplet.xyz(block) + " does not split level 1 on whole store chunks (shards) of "
                            + Triplet.xyz(unit) + ": give a multiple of " + Triplet.xyz(smallestBlock(plan, unit)) + " (x,y,z)");
                }
                int to = depth;
                List<Box> boxes = plan.grid(0, block);
                List<int[]> positions = gridBlock != null ? gridBlock.positions() : null;
                int[] n = plan.gridShape(0, block);
                int done = 0;
                for (int i = 0; i < boxes.size(); i++) {
                    int[] p = {i / (n[1] * n[2]), (i / n[2]) % n[1], i % n[2]};
                    if (positions != null && positions.stream().noneMatch(q -> java.util.Arrays.equals(q, p))) {
                        continue;
                    }
                    Block b = source != null ? source.read(boxes.get(i)) : levels.get(0).read(boxes.get(i));
                    if (source != null) {
                        b = b.convert(info.dtype());
                        levels.get(0).write(b);
                    }
                    Pyramid.build(plan, m, b, 0, to, (k, out) -> levels.get(k).write(out));
                    done++;
                }
                log("%s: %d block(s) of %s, levels %s1..%d (%s)", store, done, Triplet.xyz(block), source != null ? "0, " : "", to, plan);
            }
            if (!wave.equals("first")) {
                rest(plan, m, depth, unit, levels);
            }
            List<int[]> cumulative = new ArrayList<>();
            plan.levels().forEach(l -> cumulative.add(l.cumulative()));
            pyramid.writeMultiscales(cumulative, m.name(), multiscaleMetadata(m, plan), m == Pyramid.Method.mode ? imageLabel(pyramid) : null);
            for (int k = 0; k < levels.size(); k++) {
                for (Map.Entry<String, String> e : levels.get(k).writtenChunks().entrySet()) {
                    digests.add(pyramid.levelPath(k) + "/" + e.getKey(), e.getValue());
                }
            }
        } finally {
            if (source != null) {
                source.close();
            }
        }
        if (digestOutput != null) {
            digests.write(digestOutput);
        }
        return 0;
    }

    /** Levels depth + 1 .. last, wave after wave, each block by block from the level the wave starts at. */
    private void rest(PyramidPlan plan, Pyramid.Method m, int depth, int[] unit, List<ChunkedStore> levels) {
        int from = depth;
        while (from < plan.last()) {
            int[] b = block.clone();
            int to = plan.alignedDepth(from, plan.last(), b, unit);
            while (to == from) { // the block does not split the next level on whole units: grow it where it does not
                for (int a = 0; a < 3; a++) {
                    b[a] *= 2;
                }
                to = plan.alignedDepth(from, plan.last(), b, unit);
            }
            int blocks = 0;
            for (Box box : plan.grid(from, b)) {
                Pyramid.build(plan, m, levels.get(from).read(box), from, to, (k, out) -> levels.get(k).write(out));
                blocks++;
            }
            log("%s: levels %d..%d from level %d in %d block(s) of %s", store, from + 1, to, from, blocks, Triplet.xyz(b));
            from = to;
        }
    }

    /** With --input, the first wave writes level 0 too: inner block boundaries must fall on store chunks (shards). */
    private void checkLevel0Blocks(int[] shape, int[] unit) {
        for (int a = 0; a < 3; a++) {
            if (block[a] < shape[a] && block[a] % unit[a] != 0) {
                throw BasinException.badArguments("--block " + Triplet.xyz(block) + " must be whole store chunks (shards) "
                        + Triplet.xyz(unit) + " (x,y,z) where it splits the volume: a task writes whole chunks of level 0, never one another task writes");
            }
        }
    }

    private static int[] smallestBlock(PyramidPlan plan, int[] unit) {
        int[] f = plan.factor(0, 1);
        return new int[] {unit[0] * f[0], unit[1] * f[1], unit[2] * f[2]};
    }

    /** The raw's store, created (or opened, when a task before this one created it) with its level 0's layout. */
    private OmePyramid rawStore(VolumeInfo in) {
        DType dtype = in.dtype();
        if (this.dtype != null) {
            DType want = DType.parse(this.dtype);
            boolean integral = !dtype.isFloating() && want != null && !want.isFloating();
            if (want == null || !(want == dtype || (want == DType.UINT64 && integral))) {
                throw BasinException.badArguments("--dtype '" + this.dtype + "': the input's " + dtype.label() + ", or uint64 for integer labels");
            }
            dtype = want;
        }
        if (dtype != DType.UINT8 && dtype != DType.UINT16 && dtype != DType.FLOAT32 && dtype != DType.UINT64 && dtype != DType.UINT32) {
            throw BasinException.badInput(input + ": dtype " + dtype.label() + "; basin pyramid --input takes uint8, uint16, float32 (images) or uint32, uint64 (labels)");
        }
        double[] vs = voxelSize != null ? voxelSize : in.voxelSize() != null ? in.voxelSize() : new double[] {1, 1, 1};
        int[] chunk = zarrChunk != null ? zarrChunk : new int[] {64, 64, 64};
        int[] clipped = new int[3];
        for (int a = 0; a < 3; a++) {
            clipped[a] = Math.min(chunk[a], in.shape()[a]);
        }
        StoreLayout layout = storeOptions.single(clipped, storeOptions.shard != null ? storeOptions.shard : clipped, compression);
        if (layout.format() == StoreLayout.Format.n5) {
            throw BasinException.badArguments("--store-format n5: basin pyramid writes OME-Zarr (zarr2, zarr3) only, not N5's s1, s2, ... yet");
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("basin_version", Version.get());
        attrs.put("source", input.getFileName().toString());
        String name = store.getFileName().toString().replaceFirst("\\.(zarr|n5)$", "");
        ChunkedStore level0 = OmeZarr.openOrCreate(store, name, dtype, in.channels(), in.shape(), layout, vs, attrs);
        level0.close();
        return OmePyramid.open(store);
    }

    private Pyramid.Method method(DType dtype) {
        boolean labels = dtype == DType.UINT64 || dtype == DType.INT64 || dtype == DType.UINT32 || dtype == DType.INT32;
        switch (method) {
            case "auto" -> {
                return labels ? Pyramid.Method.mode : Pyramid.Method.mean;
            }
            case "mode" -> {
                if (!labels) {
                    throw BasinException.badArguments("--method mode needs integer labels (uint32, int32, uint64, int64); " + store + " holds " + dtype.label());
                }
                return Pyramid.Method.mode;
            }
            case "mean" -> {
                if (labels) {
                    throw BasinException.badArguments("--method mean would invent labels: " + store + " holds " + dtype.label() + " labels; use mode");
                }
                return Pyramid.Method.mean;
            }
            default -> throw BasinException.badArguments("--method '" + method + "' must be mean, mode or auto");
        }
    }

    private static Map<String, Object> levelAttributes(PyramidPlan.Level l) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("basin_version", Version.get());
        a.put("voxel_size", l.voxelSize());
        a.put("downsampling_factors", l.cumulative());
        return a;
    }

    private static Map<String, Object> multiscaleMetadata(Pyramid.Method m, PyramidPlan plan) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("description", m == Pyramid.Method.mean
                ? "mean of each window (uint8/uint16: integer sum rounded half up; floats: double sum, divided)"
                : "mode of each window: the label most voxels hold, ties to the smallest id, 0 counted as a label");
        md.put("method", "basin pyramid");
        md.put("version", Version.get());
        List<Object> factors = new ArrayList<>();
        for (int k = 1; k <= plan.last(); k++) {
            factors.add(plan.level(k).factor());
        }
        md.put("kwargs", Map.of("factors_zyx", factors));
        return md;
    }

    private Map<String, Object> imageLabel(OmePyramid pyramid) {
        Map<String, Object> label = new LinkedHashMap<>();
        if (pyramid.format().equals("zarr2")) {
            label.put("version", "0.4");
        }
        Map<String, Object> background = new LinkedHashMap<>();
        background.put("label-value", 0);
        background.put("rgba", new int[] {0, 0, 0, 0});
        label.put("colors", List.of(background)); // background transparent; viewers colour the segments themselves
        if (sourceImage != null) {
            label.put("source", Map.of("image", sourceImage));
        }
        return label;
    }
}
