package org.basin.io;

import java.awt.Rectangle;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads a TIFF stack, either one multi-page file or a folder of single-page slices (in natural order: s_2 before
 * s_10), as a (z, y, x) volume of one sample per pixel: uint8, uint16 or float32. Every page's size and sample type
 * are checked on open (headers only); pages are decoded when a read needs them. In S3 the file is a key ending
 * .tif/.tiff and the folder a prefix holding such keys; each is read in ranged GETs of 64 KiB blocks: its header
 * and directory, then what the decoder reads for a region (imageio-tiff reads a page's strips in order, from the
 * first to the region's last row).
 */
public final class TiffStackReader implements VolumeReader {
    /** S3 blocks: small, since opening a stack reads every slice's header. */
    static final int S3_BLOCK = 64 << 10;

    /** One TIFF file: a local path, or a key of an object store. */
    private record Slice(Path file, ChunkStore store, String key) {
        @Override
        public String toString() {
            return file != null ? file.toString() : store.location(key);
        }
    }

    private final List<Slice> files;
    private final boolean multiPage;
    private final VolumeInfo info;
    private ImageReader reader;
    private ImageInputStream stream;

    private TiffStackReader(List<Slice> files, boolean multiPage, VolumeInfo info) {
        this.files = files;
        this.multiPage = multiPage;
        this.info = info;
    }

    /**
     * Natural order of names: runs of digits compare as numbers (s_2 before s_10), the rest as text; names that tie
     * (s_09, s_9) in plain order. Slices are rarely zero-padded to one width, and plain order mixes them up.
     */
    public static final Comparator<String> NATURAL = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            char ca = a.charAt(i);
            char cb = b.charAt(j);
            if (isDigit(ca) && isDigit(cb)) {
                int ei = digitsEnd(a, i);
                int ej = digitsEnd(b, j);
                int c = compareNumbers(a.substring(i, ei), b.substring(j, ej));
                if (c != 0) {
                    return c;
                }
                i = ei;
                j = ej;
            } else {
                if (ca != cb) {
                    return Character.compare(ca, cb);
                }
                i++;
                j++;
            }
        }
        int c = Integer.compare(a.length() - i, b.length() - j);
        return c != 0 ? c : a.compareTo(b);
    };

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int digitsEnd(String s, int from) {
        int e = from;
        while (e < s.length() && isDigit(s.charAt(e))) {
            e++;
        }
        return e;
    }

    /** Two runs of digits by value, of any length (no overflow). */
    private static int compareNumbers(String x, String y) {
        String a = x.replaceFirst("^0+(?=.)", "");
        String b = y.replaceFirst("^0+(?=.)", "");
        return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }

    /** True when the folder holds at least one .tif/.tiff file. */
    public static boolean hasSlices(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(TiffStackReader::isTiff);
        } catch (IOException e) {
            throw BasinException.io(dir + ": cannot list folder (" + e.getMessage() + ")", e);
        }
    }

    public static boolean isTiff(Path p) {
        return p.getFileName() != null && isTiffName(p.getFileName().toString());
    }

    static boolean isTiffName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".tif") || n.endsWith(".tiff");
    }

    /** The .tif/.tiff keys directly in {@code store} (one LIST request per 1,000 keys under it), in natural order. */
    public static List<String> sliceKeys(ChunkStore store) {
        List<String> keys = new ArrayList<>();
        store.anyKey(1, k -> {
            if (isTiffName(k)) {
                keys.add(k);
            }
            return false;
        });
        keys.sort(NATURAL);
        return keys;
    }

    public static TiffStackReader open(Path path) {
        return open(path, null);
    }

    /** A stack in an object store whose slice keys {@code sliceKeys} has already listed. */
    static TiffStackReader open(ChunkStore store, List<String> keys) {
        return open(Path.of("s3:/" + store.location().substring("s3://".length())), keys);
    }

    private static TiffStackReader open(Path path, List<String> listed) {
        List<Slice> files;
        boolean multi;
        String where = Stores.isS3(path) ? Stores.s3Uri(path) : path.toString();
        if (Stores.isS3(path) && isTiff(path)) {
            S3ChunkStore s3 = S3ChunkStore.parse(where);
            files = List.of(new Slice(null, new S3ChunkStore(s3.bucket(), ""), s3.prefix()));
            multi = true;
        } else if (Stores.isS3(path) || Files.isDirectory(path)) {
            ChunkStore store = Stores.of(path);
            if (Stores.isS3(path)) {
                files = (listed != null ? listed : sliceKeys(store)).stream().map(k -> new Slice(null, store, k)).toList();
            } else {
                try (Stream<Path> s = Files.list(path)) {
                    files = s.filter(TiffStackReader::isTiff).sorted(Comparator.comparing(p -> p.getFileName().toString(), NATURAL))
                            .map(p -> new Slice(p, null, null)).toList();
                } catch (IOException e) {
                    throw BasinException.io(path + ": cannot list folder (" + e.getMessage() + ")", e);
                }
            }
            if (files.isEmpty()) {
                throw BasinException.badArguments(where + ": " + (Stores.isS3(path) ? "prefix" : "folder") + " holds no .tif/.tiff slices (nor"
                        + " .zarray, .zgroup, zarr.json, attributes.json or info)");
            }
            multi = false;
        } else {
            files = List.of(new Slice(path, null, null));
            multi = true;
        }
        TiffStackReader probe = new TiffStackReader(files, multi, null);
        try {
            probe.openReader(files.get(0));
            int pages = multi ? probe.reader.getNumImages(true) : files.size();
            // the sample layout from the header where the reader gives it (no pixel decoded: in S3 no strip fetched)
            ImageTypeSpecifier raw = probe.reader.getRawImageType(0);
            Raster r = raw == null ? probe.reader.readRaster(0, null) : null;
            int bands = raw != null ? raw.getSampleModel().getNumBands() : r.getNumBands();
            if (bands != 1) {
                throw BasinException.badInput(files.get(0) + ": " + bands + " samples per pixel; basin reads grayscale stacks");
            }
            int type = raw != null ? raw.getSampleModel().getDataType() : r.getDataBuffer().getDataType();
            int width = raw != null ? probe.reader.getWidth(0) : r.getWidth();
            int height = raw != null ? probe.reader.getHeight(0) : r.getHeight();
            DType dtype = switch (type) {
                case DataBuffer.TYPE_BYTE -> DType.UINT8;
                case DataBuffer.TYPE_USHORT -> DType.UINT16;
                case DataBuffer.TYPE_FLOAT -> DType.FLOAT32;
                default -> throw BasinException.badInput(files.get(0) + ": unsupported TIFF sample type " + typeName(type)
                        + "; basin reads uint8, uint16 and float32 stacks");
            };
            int[] shape = {pages, height, width};
            Map<String, Object> attrs = new LinkedHashMap<>();
            double[] spacing = imageJSpacing(probe.reader);
            if (spacing != null) {
                attrs.put(VolumeInfo.IMAGEJ_SPACING, spacing);
            }
            probe.checkPages(pages, width, height, type);
            VolumeInfo info = new VolumeInfo("tiff", where, null, dtype, 0, shape, null, "tiff", attrs);
            probe.close();
            return new TiffStackReader(files, multi, info);
        } catch (IOException | RuntimeException e) {
            probe.close();
            if (e instanceof BasinException be) {
                throw be;
            }
            throw BasinException.badInput(where + ": not a readable TIFF (" + e.getMessage() + ")");
        }
    }

    /**
     * Fails, naming the slice, where a page differs from the first in size or sample type, from the headers alone
     * (a uint16 slice among uint8 ones would otherwise fail mid-read with an ArrayStoreException).
     */
    private void checkPages(int pages, int width, int height, int type) throws IOException {
        for (int z = 1; z < pages; z++) {
            int index = 0;
            if (multiPage) {
                index = z;
            } else {
                openReader(files.get(z));
            }
            int w = reader.getWidth(index);
            int h = reader.getHeight(index);
            ImageTypeSpecifier raw = reader.getRawImageType(index);
            int t = raw == null ? reader.readRaster(index, null).getDataBuffer().getDataType() : raw.getSampleModel().getDataType();
            int bands = raw == null ? 1 : raw.getSampleModel().getNumBands();
            if (w != width || h != height || t != type || bands != 1) {
                throw BasinException.badInput(page(z) + ": slice is " + w + "x" + h + " (x,y) " + typeName(t) + (bands != 1 ? ", " + bands
                        + " samples per pixel" : "") + ", but " + page(0) + " is " + width + "x" + height + " " + typeName(type)
                        + "; every slice of a stack must have one size and sample type");
            }
        }
    }

    /** Slice {@code z} as users find it: its file, or the page of the multi-page file. */
    private String page(int z) {
        return multiPage ? files.get(0) + " page " + z : files.get(z).toString();
    }

    private static String typeName(int dataBufferType) {
        return switch (dataBufferType) {
            case DataBuffer.TYPE_BYTE -> "uint8";
            case DataBuffer.TYPE_USHORT -> "uint16";
            case DataBuffer.TYPE_SHORT -> "int16";
            case DataBuffer.TYPE_INT -> "int32";
            case DataBuffer.TYPE_FLOAT -> "float32";
            case DataBuffer.TYPE_DOUBLE -> "float64";
            default -> "type " + dataBufferType;
        };
    }

    private static final String TIFF_TREE = "com_sun_media_imageio_plugins_tiff_image_1.0";

    /**
     * ImageJ's voxel size (z, y, x in nm) of the first page: 1 / YResolution, 1 / XResolution and the description's
     * {@code spacing=} (ImageJ's default depth is 1), in its {@code unit=}; null without an ImageJ description or a
     * length unit.
     */
    static double[] imageJSpacing(ImageReader reader) throws IOException {
        IIOMetadata m = reader.getImageMetadata(0);
        if (m == null || !Arrays.asList(m.getMetadataFormatNames() == null ? new String[0] : m.getMetadataFormatNames()).contains(TIFF_TREE)
                && !TIFF_TREE.equals(m.getNativeMetadataFormatName())) {
            return null;
        }
        String description = null;
        double[] res = new double[2]; // pixels per unit, x and y
        NodeList fields = ((Element) m.getAsTree(TIFF_TREE)).getElementsByTagName("TIFFField");
        for (int i = 0; i < fields.getLength(); i++) {
            Element f = (Element) fields.item(i);
            switch (f.getAttribute("number")) {
                case "270" -> description = firstValue(f, "TIFFAscii");
                case "282" -> res[0] = rational(firstValue(f, "TIFFRational"));
                case "283" -> res[1] = rational(firstValue(f, "TIFFRational"));
                default -> { }
            }
        }
        if (description == null || !description.startsWith("ImageJ=") || !(res[0] > 0) || !(res[1] > 0)) {
            return null;
        }
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : description.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                kv.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        }
        double nm = switch (kv.getOrDefault("unit", "").replace("\\u00B5", "\u00B5")) {
            case "nm", "nanometer" -> 1;
            case "micron", "um", "\u00B5m", "\u03BCm", "microns" -> 1000;
            case "mm" -> 1e6;
            default -> 0; // pixel, inch or none: no length
        };
        if (nm == 0) {
            return null;
        }
        double z;
        try {
            z = Double.parseDouble(kv.getOrDefault("spacing", "1"));
        } catch (NumberFormatException e) {
            return null;
        }
        return new double[] {z * nm, nm / res[1], nm / res[0]};
    }

    private static String firstValue(Element field, String tag) {
        NodeList v = field.getElementsByTagName(tag);
        return v.getLength() == 0 ? null : ((Element) v.item(0)).getAttribute("value");
    }

    private static double rational(String v) {
        if (v == null) {
            return 0;
        }
        String[] p = v.split("/");
        try {
            return p.length == 2 ? Double.parseDouble(p[0]) / Double.parseDouble(p[1]) : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void openReader(Slice file) throws IOException {
        close();
        stream = file.file() != null ? ImageIO.createImageInputStream(file.file().toFile())
                : new ChannelImageInputStream(RangedReadChannel.open(file.store(), file.key(), S3_BLOCK));
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
        List<Slice> opened = new ArrayList<>();
        try {
            // only the box's rows and columns are decoded: strips or tiles outside it are skipped, so a task's
            // memory is bounded by its region, not by the slice
            ImageReadParam param = new ImageReadParam();
            param.setSourceRegion(new Rectangle(box.min(2), box.min(1), s[2], s[1]));
            for (int z = box.min(0); z < box.max(0); z++) {
                int index = 0;
                if (multiPage) {
                    if (reader == null) {
                        openReader(files.get(0));
                    }
                    index = z;
                } else {
                    openReader(files.get(z));
                    opened.add(files.get(z));
                }
                int w = reader.getWidth(index);
                int h = reader.getHeight(index);
                if (h != info.shape()[1] || w != info.shape()[2]) {
                    throw BasinException.badInput(page(z) + ": slice is " + w + "x" + h + " (x,y), expected " + info.shape()[2] + "x"
                            + info.shape()[1] + " (changed since it was opened?)");
                }
                Raster r = reader.readRaster(index, param);
                int type = r.getDataBuffer().getDataType();
                if (r.getHeight() != s[1] || r.getWidth() != s[2] || !typeName(type).equals(info.dtype().label())) {
                    throw BasinException.badInput(page(z) + ": slice region is " + r.getWidth() + "x" + r.getHeight() + " (x,y) " + typeName(type)
                            + ", expected " + s[2] + "x" + s[1] + " " + info.dtype().label() + " (changed since it was opened?)");
                }
                Object rows = r.getDataElements(r.getMinX(), r.getMinY(), s[2], s[1], null);
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
