package org.basin.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.StoreLayout;
import org.basin.io.Stores;
import org.basin.io.VolumeOutput;
import org.basin.phantom.Phantom;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "phantom", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Write a synthetic EM-like volume (uint8) and its ground truth (uint32, 0 on membranes).",
            "Cells separated by thin dark membranes, intracellular texture, blur and noise; deterministic per seed.",
            "Outputs ending in .zarr are OME-Zarr written slab by slab (any size); others are HDF5 (built in memory)."})
final class PhantomCommand extends ToolCommand {
    @Option(names = "--shape", required = true, description = "Volume size x,y,z in voxels.")
    void shape(String v) {
        this.shape = Triplet.ints(v);
    }

    int[] shape;

    @Option(names = "--output", required = true, description = "Raw volume: file.h5 or folder.zarr.")
    Path output;

    @Option(names = "--truth", description = "Ground-truth labels: file.h5 or folder.zarr.")
    Path truth;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--cell-size", defaultValue = "24", description = "Mean cell diameter in xy voxels (default ${DEFAULT-VALUE}).")
    double cellSize;

    @Option(names = "--anisotropy", defaultValue = "1", description = "z voxel size / xy voxel size, e.g. 4 for thicker z (default ${DEFAULT-VALUE}).")
    double anisotropy;

    @Option(names = "--membrane", defaultValue = "2", description = "Membrane thickness in xy voxels (default ${DEFAULT-VALUE}).")
    double membrane;

    @Option(names = "--noise", defaultValue = "10", description = "Noise standard deviation in grey levels (default ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--blur", defaultValue = "1", description = "Blur sigma in xy voxels (default ${DEFAULT-VALUE}).")
    double blur;

    @Option(names = "--voxel-size", description = "Voxel size x,y,z in nm (default 8,8,8*anisotropy).")
    void voxelSize(String v) {
        this.voxelSize = Triplet.positiveDoubles(v);
    }

    double[] voxelSize;

    @Mixin
    StoreOptions storeOptions;

    @Option(names = "--overwrite", description = "Replace existing outputs.")
    boolean overwrite;

    @Override
    protected int execute() {
        for (int s : shape) {
            if (s < 1) {
                throw BasinException.badArguments("--shape must be positive, got " + Triplet.xyz(shape));
            }
        }
        if (cellSize < 4 || anisotropy <= 0 || membrane <= 0 || noise < 0 || blur < 0) {
            throw BasinException.badArguments("need --cell-size >= 4, --anisotropy > 0, --membrane > 0, --noise >= 0, --blur >= 0");
        }
        // both outputs checked before either is written: a refused --truth leaves no new --output behind
        AtomicFiles.checkWritable(output, overwrite);
        if (truth != null) {
            if (truth.toAbsolutePath().normalize().equals(output.toAbsolutePath().normalize())) {
                throw BasinException.badArguments("--truth " + truth + " is the --output; give two files");
            }
            AtomicFiles.checkWritable(truth, overwrite);
        }
        double[] vs = voxelSize != null ? voxelSize : new double[] {8 * anisotropy, 8, 8};
        Phantom phantom = new Phantom(seed, cellSize, anisotropy, membrane, noise, blur);
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("generator", "basin phantom " + Version.get());
        attrs.put("seed", seed);
        Box all = Box.ofShape(shape);
        if (VolumeOutput.isZarr(output) && (truth == null || VolumeOutput.isZarr(truth))) {
            int[] chunks = {Math.min(64, shape[0]), 64, 64};
            // zarr3: shards of one slab's depth, so each slab written is whole shards
            StoreLayout layout = storeOptions.single(chunks, new int[] {chunks[0], 256, 256},
                    storeOptions.format() == StoreLayout.Format.zarr2 ? "zlib" : "zstd");
            try (VolumeOutput raw = VolumeOutput.zarr(output, "raw", DType.UINT8, 0, shape, layout, vs, attrs, overwrite);
                    VolumeOutput gt = truth == null ? null
                            : VolumeOutput.zarr(truth, "truth", DType.UINT32, 0, shape, layout, vs, attrs, overwrite)) {
                Progress progress = new Progress("basin phantom: slabs", (shape[0] + chunks[0] - 1) / chunks[0]);
                for (int z = 0, k = 0; z < shape[0]; z += chunks[0]) {
                    Box slab = new Box(new int[] {z, 0, 0}, new int[] {Math.min(shape[0], z + chunks[0]), shape[1], shape[2]});
                    Phantom.Piece p = phantom.generate(slab, shape);
                    raw.write(Block.of(p.raw(), slab));
                    if (gt != null) {
                        gt.write(Block.wrap(DType.UINT32, 0, slab, p.truth()));
                    }
                    progress.step(++k);
                }
                raw.commit();
                if (gt != null) {
                    gt.commit();
                }
            }
        } else {
            if (all.voxels() > Integer.MAX_VALUE - 8) {
                throw BasinException.badArguments("an HDF5 phantom is built in memory and must stay under 2^31 voxels; write .zarr instead");
            }
            Phantom.Piece p = phantom.generate(all, shape);
            VolumeOutput.whole(output, "raw", Block.of(p.raw(), all), vs, attrs, overwrite);
            if (truth != null) {
                VolumeOutput.whole(truth, "truth", Block.wrap(DType.UINT32, 0, all, p.truth()), vs, attrs, overwrite);
            }
        }
        log("wrote %s (%s voxels x,y,z)%s", Stores.of(output).location(), Triplet.xyz(shape), truth == null ? "" : " and " + Stores.of(truth).location());
        return 0;
    }
}
