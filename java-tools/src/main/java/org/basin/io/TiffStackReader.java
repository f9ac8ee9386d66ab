package org.basin.io;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * Reads a TIFF stack, either one multi-page file or a folder of single-page slices (sorted by name), as a (z, y, x)
 * volume of one sample per pixel: uint8, uint16 or float32. Pages are decoded when a read needs them.
 */
public final class TiffStackReader implements VolumeReader {
    private final List<Path> files;
    private final boolean multiPage;
    private final VolumeInfo info;
    private ImageReader reader;
    private ImageInputStream stream;

    private TiffStackReader(List<Path> files, boolean multiPage, VolumeInfo info) {
        this.files = files;
        this.multiPage = multiPage;
        this.info = info;
    }

    public static boolean isTiff(Path p) {
        String n = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff");
    }

    public static TiffStackReader open(Path path) {
        List<Path> files;
        boolean multi;
        if (Files.isDirectory(path)) {
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(TiffStackReader::isTiff).sorted().toList();
            } catch (IOException e) {
                throw BasinException.io(path + ": cannot list folder (" + e.getMessage() + ")", e);
            }
            if (files.isEmpty()) {
                throw BasinException.badArguments(path + ": folder holds no .tif/.tiff slices");
            }
            multi = false;
        } else {
            files = List.of(path);
            multi = true;
        }
        TiffStackReader probe = new TiffStackReader(files, multi, null);
        try {
            probe.openReader(files.get(0));
            int pages = multi ? probe.reader.getNumImages(true) : files.size();
            Raster r = probe.reader.readRaster(0, null);
            if (r.getNumBands() != 1) {
                throw BasinException.badInput(files.get(0) + ": " + r.getNumBands() + " samples per pixel; basin reads grayscale stacks");
            }
            DType dtype = switch (r.getDataBuffer().getDataType()) {
                case DataBuffer.TYPE_BYTE -> DType.UINT8;
                case DataBuffer.TYPE_USHORT -> DType.UINT16;
                case DataBuffer.TYPE_FLOAT -> DType.FLOAT32;
                default -> throw BasinException.badInput(files.get(0) + ": unsupported TIFF sample type " + r.getDataBuffer().getDataType()
                        + "; basin reads uint8, uint16 and float32 stacks");
            };
            int[] shape = {pages, r.getHeight(), r.getWidth()};
            VolumeInfo info = new VolumeInfo("tiff", path.toString(), null, dtype, 0, shape, null,
                    "tiff", new LinkedHashMap<>());
            probe.close();
            return new TiffStackReader(files, multi, info);
        } catch (IOException | RuntimeException e) {
            probe.close();
            if (e instanceof BasinException be) {
                throw be;
            }
            throw BasinException.badInput(path + ": not a readable TIFF (" + e.getMessage() + ")");
        }
    }

    private void openReader(Path file) throws IOException {
        close();
        stream = ImageIO.createImageInputStream(file.toFile());
        if (stream == null) {
            throw BasinException.badInput(file + ": cannot open");
        }
        var readers = ImageIO.getImageReaders(stream);
        if (!readers.hasNext()) {
            throw BasinException.badInput(file + ": not a TIFF file");
        }
        reader = readers.next();
        reader.setInput(stream);
    }

    @Override
    public VolumeInfo info() {
        return info;
    }

    @Override
    public Block read(Box box) {
        Block out = Block.allocate(info.dtype(), box);
        int[] s = box.shape();
        List<Path> opened = new ArrayList<>();
        try {
            for (int z = box.min(0); z < box.max(0); z++) {
                Raster r;
                if (multiPage) {
                    if (reader == null) {
                        openReader(files.get(0));
                    }
                    r = reader.readRaster(z, null);
                } else {
                    openReader(files.get(z));
                    opened.add(files.get(z));
                    r = reader.readRaster(0, null);
                }
                if (r.getHeight() != info.shape()[1] || r.getWidth() != info.shape()[2]) {
                    throw BasinException.badInput((multiPage ? files.get(0) + " page " + z : files.get(z).toString())
                            + ": slice is " + r.getWidth() + "x" + r.getHeight() + ", expected " + info.shape()[2] + "x" + info.shape()[1]);
                }
                Object rows = r.getDataElements(box.min(2), box.min(1), s[2], s[1], null);
                System.arraycopy(rows, 0, out.data(), (z - box.min(0)) * s[1] * s[2], s[1] * s[2]);
            }
        } catch (IOException e) {
            throw BasinException.badInput(info.path() + ": cannot decode TIFF slice (" + e.getMessage() + ")");
        }
        return out;
    }

    @Override
    public void close() {
        if (reader != null) {
            reader.dispose();
            reader = null;
        }
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // closing a read-only stream
            }
            stream = null;
        }
    }
}
