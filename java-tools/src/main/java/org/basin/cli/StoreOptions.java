package org.basin.cli;

import org.basin.error.BasinException;
import org.basin.io.StoreLayout;
import picocli.CommandLine.Option;

/** The format of the stores a command creates: Zarr v2 (OME-Zarr 0.4), Zarr v3 with sharding (OME-Zarr 0.5) or N5. */
final class StoreOptions {
    @Option(names = "--store-format", defaultValue = "zarr2", description = "zarr2 (OME-Zarr 0.4), zarr3 (OME-Zarr 0.5, sharded) or n5 (BigDataViewer / Paintera multiscale group); default ${DEFAULT-VALUE}.")
    String format;

    @Option(names = "--shard", description = {"zarr3: shard shape x,y,z, whole store chunks (default: a task's chunk core, so every",
        "shard is written by one task; it must divide the core)."})
    void shard(String v) {
        this.shard = Triplet.positiveInts(v);
    }

    int[] shard;

    StoreLayout.Format format() {
        return StoreLayout.Format.parse(format);
    }

    /** The layout for one writer of a whole volume; the shard defaults to {@code defaultShard}. */
    StoreLayout single(int[] chunks, int[] defaultShard, String compression) {
        if (shard != null && format() != StoreLayout.Format.zarr3) {
            throw BasinException.badArguments("--shard " + Triplet.xyz(shard) + " needs --store-format zarr3 (" + format() + " has no shards)");
        }
        return StoreLayout.single(format(), chunks, shard != null ? shard : defaultShard, compression);
    }

    /** The layout for tasks writing whole cores of {@code core} into one store in parallel. */
    StoreLayout forTasks(int[] chunks, int[] core, String compression) {
        return StoreLayout.forTasks(format(), chunks, shard, core, compression);
    }
}
