package org.basin.io;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.basin.error.BasinException;
import org.basin.error.ExitCode;
import org.basin.volume.Block;
import org.basin.volume.DType;

/**
 * Writes a volume basin produces: OME-Zarr (a folder ending in .zarr, Zarr v2 or v3, streamed chunk by chunk) or HDF5 (any other
 * name, built whole in memory), always under a temporary name until complete.
 */
public final class VolumeOutput implements AutoCloseable {
    private final Path target;
    private final Path temporary;
    private final ChunkedStore array;
    private boolean committed;

    private VolumeOutput(Path target, Path temporary, ChunkedStore array) {
        this.target = target;
        this.temporary = temporary;
        this.array = array;
    }

    public static boolean isZarr(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".zarr");
    }

    /** Starts a streamed OME-Zarr volume; write blocks with {@link #write}, then {@link #commit}. */
    public static VolumeOutput zarr(Path target, String name, DType dtype, int channels, int[] shape, int[] chunks, ZarrCodec codec,
            double[] voxelSize, Map<String, Object> attrs, boolean overwrite) {
        return zarr(target, name, dtype, channels, shape, StoreLayout.zarr2(chunks, codec.id() + (codec.id().equals("none") ? "" : ":" + codec.level())),
                voxelSize, attrs, overwrite);
    }

    /** As above, in the layout's format: Zarr v2, Zarr v3 (sharded when the layout says) or N5. */
    public static VolumeOutput zarr(Path target, String name, DType dtype, int channels, int[] shape, StoreLayout layout,
            double[] voxelSize, Map<String, Object> attrs, boolean overwrite) {
        if (Stores.isS3(target) && layout.format() == StoreLayout.Format.n5) {
            // as Zarr v2 below: keys written in place, each whole
            if (!overwrite && Stores.of(target).exists("attributes.json")) {
                throw BasinException.badArguments(Stores.of(target).location() + ": already holds an N5 store; give --overwrite to replace it");
            }
            return new VolumeOutput(target, null, OmeZarr.create(target, name, dtype, channels, shape, layout, voxelSize, attrs));
        }
        if (Stores.isS3(target)) {
            // an object store has no rename: keys are written in place, each whole (a killed writer leaves some)
            ChunkStore store = Stores.of(target);
            if (!overwrite && (store.get(".zgroup") != null || store.get(".zarray") != null || store.exists(ZarrV3Array.METADATA))) {
                throw BasinException.badArguments(store.location() + ": already holds a Zarr store; give --overwrite to replace it");
            }
            if (layout.format() == StoreLayout.Format.zarr3) {
                return new VolumeOutput(target, null, OmeZarr.create(target, name, dtype, channels, shape, layout, voxelSize, attrs));
            }
            ZarrCodec codec = ZarrCodec.parse(layout.compression());
            int[] chunks = layout.chunks();
            return new VolumeOutput(target, null, OmeZarr.create(store, name, dtype, channels, shape, chunks, codec, voxelSize, attrs));
        }
        AtomicFiles.checkWritable(target, overwrite);
        Path tmp = AtomicFiles.temporaryFor(target);
        ChunkedStore a;
        try {
            a = OmeZarr.create(tmp, name, dtype, channels, shape, layout, voxelSize, attrs);
        } catch (BasinException e) {
            AtomicFiles.discard(tmp);
            if (e.exitCode() != ExitCode.IO_FAILURE) {
                throw e;
            }
            // a read-only folder or a full disk: the output and the reason, not the temporary name
            throw BasinException.io(target + ": cannot write Zarr in " + target.toAbsolutePath().getParent() + " ("
                    + IoErrors.reason(e.getCause() != null ? e.getCause() : e) + ")", e);
        }
        return new VolumeOutput(target, tmp, a);
    }

    public void write(Block block) {
        array.write(block);
    }

    public void commit() {
        if (temporary != null) {
            AtomicFiles.commit(temporary, target);
        }
        committed = true;
    }

    @Override
    public void close() {
        if (!committed && temporary != null) {
            AtomicFiles.discard(temporary);
        }
    }

    /** Writes a whole volume at once: OME-Zarr for a .zarr target, else HDF5 with the given dataset name. */
    public static void whole(Path target, String dataset, Block block, double[] voxelSize, Map<String, Object> attrs,
            boolean overwrite) {
        if (isZarr(target)) {
            int[] chunks = {64, 64, 64};
            try (VolumeOutput out = zarr(target, dataset, block.dtype(), block.hasChannelAxis() ? block.channels() : 0,
                    block.shape(), chunks, ZarrCodec.parse("zlib"), voxelSize, attrs, overwrite)) {
                out.write(block);
                out.commit();
            }
            return;
        }
        AtomicFiles.checkWritable(target, overwrite);
        Map<String, Object> a = new LinkedHashMap<>(attrs);
        a.put("voxel_size", voxelSize);
        Hdf5Files.write(target, Map.of(), List.of(Hdf5Files.Entry.of(dataset, block, a)), true);
    }
}
