package org.basin.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.basin.error.BasinException;
import org.basin.io.AtomicFiles;
import org.basin.io.IoErrors;
import org.basin.io.VolumeReader;
import org.basin.io.Volumes;
import org.basin.snapshot.SliceRenderer;
import org.basin.volume.Block;
import org.basin.volume.Box;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"Draw one z slice of raw, affinities and segmentation side by side as a PNG, so any stage's output",
            "can be looked at: raw in grey, affinities as RGB (x->red, y->green, z->blue), segments in distinct colours."})
final class SnapshotCommand extends ToolCommand {
    @Option(names = "--raw", description = "Raw volume.")
    Path raw;

    @Option(names = "--raw-dataset", description = "Dataset of the raw volume.")
    String rawDataset;

    @Option(names = "--affinities", description = "Affinity volume (3, z, y, x).")
    Path affinities;

    @Option(names = "--affinities-dataset", description = "Dataset of the affinity volume.")
    String affinitiesDataset;

    @Option(names = "--segmentation", description = "Segmentation volume.")
    Path segmentation;

    @Option(names = "--segmentation-dataset", description = "Dataset of the segmentation.")
    String segmentationDataset;

    @Option(names = "--z", defaultValue = "-1", description = "Slice index (default: the middle slice).")
    int z;

    @Option(names = "--scale", defaultValue = "0", description = "Pixel scale (default: enough to make panels at least 256 px tall).")
    int scale;

    @Option(names = "--max-pixels", defaultValue = "512",
            description = "Draw at most this many voxels per side: a centred crop of larger slices, so one picture reads a bounded region (default ${DEFAULT-VALUE}).")
    int maxPixels;

    @Option(names = "--output", required = true, description = "PNG file to write.")
    Path output;

    @Option(names = "--overwrite", description = "Replace an existing --output.")
    boolean overwrite;

    @Override
    protected int execute() throws IOException {
        if (maxPixels < 1) {
            throw BasinException.badArguments("--max-pixels " + maxPixels + " must be at least 1");
        }
        if (raw == null && affinities == null && segmentation == null) {
            throw BasinException.badArguments("give at least one of --raw, --affinities, --segmentation");
        }
        AtomicFiles.checkWritable(output, overwrite);
        int[] shape = null;
        Block[] slices = new Block[3];
        Path[] paths = {raw, affinities, segmentation};
        String[] datasets = {rawDataset, affinitiesDataset, segmentationDataset};
        for (int i = 0; i < 3; i++) {
            if (paths[i] == null) {
                continue;
            }
            try (VolumeReader r = Volumes.open(paths[i], datasets[i])) {
                int[] s = r.info().shape();
                if (shape != null && !java.util.Arrays.equals(shape, s)) {
                    throw BasinException.badInput(r.info().where() + " is " + Triplet.xyz(s) + ", the others " + Triplet.xyz(shape) + " (x,y,z)");
                }
                shape = s;
                int zz = z < 0 ? s[0] / 2 : z;
                if (zz >= s[0]) {
                    throw BasinException.badArguments("--z " + z + " is outside " + r.info().where() + " (" + s[0] + " slices)");
                }
                int h = Math.min(s[1], maxPixels);
                int w = Math.min(s[2], maxPixels);
                int y0 = (s[1] - h) / 2;
                int x0 = (s[2] - w) / 2;
                slices[i] = r.read(new Box(new int[] {zz, y0, x0}, new int[] {zz + 1, y0 + h, x0 + w}));
            }
        }
        int sc = scale > 0 ? scale : Math.max(1, (int) Math.ceil(256.0 / Math.max(shape[1], 1)));
        sc = Math.min(sc, 8);
        BufferedImage img = SliceRenderer.render(slices[0], slices[1], slices[2], sc);
        Path tmp = AtomicFiles.temporaryFor(output);
        try (OutputStream os = Files.newOutputStream(tmp)) {
            if (!ImageIO.write(img, "png", os)) {
                throw BasinException.io(output + ": no PNG writer", null);
            }
        } catch (IOException e) {
            AtomicFiles.discard(tmp);
            // a read-only folder or a full disk: the output and the reason, not an internal error
            throw BasinException.io(output + ": cannot write PNG in " + output.toAbsolutePath().getParent() + " (" + IoErrors.reason(e) + ")", e);
        }
        AtomicFiles.commit(tmp, output);
        log("wrote %s (%dx%d px, slice z=%d)", output, img.getWidth(), img.getHeight(), z < 0 ? shape[0] / 2 : z);
        return 0;
    }
}
