package org.basin.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * An N5 dataset in a {@link ChunkStore} (a folder or an S3 prefix): {@code attributes.json} ({@code dimensions} / {@code blockSize} in x, y, z
 * (, c) order, the reverse of basin's (c,) z, y, x), block files {@code gx/gy/gz} with their header (mode 0 default,
 * mode 1 varlength), big-endian elements x fastest, edge blocks stored truncated to the volume, missing blocks as 0.
 * The voxel size comes from the dataset's {@code resolution} / {@code pixelResolution} / {@code transform}, or its
 * group's times its {@code downsamplingFactors} (or the group's {@code scales}); it is handed on as the
 * {@code resolution} attribute in basin's z, y, x order.
 */
public final class N5Array implements ChunkedStore {
    private static final String ATTRIBUTES = "attributes.json";
    /** The keys attributes.json gives the dataset's structure; the rest are user attributes. */
    private static final List<String> STRUCTURE = List.of("dimensions", "blockSize", "dataType", "compression", "compressionType");
    private static final Pattern LEVEL = Pattern.compile("s(\\d{1,6})");

    private final ChunkStore store;
    private final DType dtype;
    private final int[] shape; // basin order: (c,) z, y, x
    private final int[] blocks; // basin order
    private final N5Codec codec;
    private final VolumeInfo info;
    private Map<String, String> written;

    private N5Array(ChunkStore store, DType dtype, int[] shape, int[] blocks, N5Codec codec, Map<String, Object> attrs) {
        this.store = store;
        this.dtype = dtype;
        this.shape = shape;
        this.blocks = blocks;
        this.codec = codec;
        int channels = shape.length == 4 ? shape[0] : 0;
        int[] zyx = shape.length == 4 ? Arrays.copyOfRange(shape, 1, 4) : shape.clone();
        this.info = new VolumeInfo("n5", store.location(), null, dtype, channels, zyx, blocks.clone(), codec.describe(), attrs);
    }

    /** True when {@code dir} holds an attributes.json (an N5 group or dataset). */
    public static boolean isN5(Path dir) {
        return isN5(Stores.of(dir));
    }

    public static boolean isN5(ChunkStore store) {
        return store.exists(ATTRIBUTES);
    }

    /** True when {@code dir} is an N5 dataset: its attributes.json has {@code dimensions}. */
    public static boolean isDataset(Path dir) {
        return isDataset(Stores.of(dir));
    }

    public static boolean isDataset(ChunkStore store) {
        Map<String, Object> m = attributes(store);
        return m != null && m.containsKey("dimensions");
    }

    /** The parsed attributes.json of {@code store}, or null when it has none. */
    static Map<String, Object> attributes(ChunkStore store) {
        byte[] b = store.get(ATTRIBUTES);
        return b == null ? null : Json.parse(new String(b, StandardCharsets.UTF_8), store.location(ATTRIBUTES));
    }

    /**
     * The multiscale levels of an N5 group, finest first: its sub-datasets named s0, s1, ... by number (empty when
     * it has none).
     */
    public static List<String> levelPaths(Path root) {
        return levelPaths(Stores.of(root));
    }

    public static List<String> levelPaths(ChunkStore root) {
        if (!(root instanceof FileChunkStore f)) {
            // an object store has no folders to list: probe s0, s1, ... until one is missing (one HEAD each)
            List<String> levels = new ArrayList<>();
            for (int k = 0; root.child("s" + k).exists(ATTRIBUTES) && isDataset(root.child("s" + k)); k++) {
                levels.add("s" + k);
            }
            return levels;
        }
        TreeMap<Integer, String> levels = new TreeMap<>();
        try (Stream<Path> s = Files.list(f.dir())) {
            s.forEach(p -> {
                Matcher m = LEVEL.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p) && isDataset(p)) {
                    levels.put(Integer.parseInt(m.group(1)), p.getFileName().toString());
                }
            });
        } catch (IOException e) {
            throw BasinException.io(f.dir() + ": cannot list the N5 group (" + IoErrors.reason(e) + ")", e);
        }
        return new ArrayList<>(levels.values());
    }

    /** The N5 datasets and multiscale groups (with s0, s1, ...) directly inside {@code group}, by name. */
    public static List<String> datasetsInside(Path group) {
        return datasetsInside(Stores.of(group));
    }

    public static List<String> datasetsInside(ChunkStore group) {
        if (!(group instanceof FileChunkStore f)) {
            // names with an attributes.json one level down (a listing), kept when a dataset or a multiscale group
            TreeSet<String> names = new TreeSet<>();
            group.anyKey(2, k -> {
                if (k.endsWith("/" + ATTRIBUTES) && k.indexOf('/') == k.length() - ATTRIBUTES.length() - 1) {
                    names.add(k.substring(0, k.indexOf('/')));
                }
                return false;
            });
            return names.stream().filter(n -> isDataset(group.child(n)) || !levelPaths(group.child(n)).isEmpty()).toList();
        }
        try (Stream<Path> s = Files.list(f.dir())) {
            return s.filter(p -> Files.isDirectory(p) && (isDataset(p) || isN5(p) && !levelPaths(p).isEmpty()))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw BasinException.io(f.dir() + ": cannot list the N5 group (" + IoErrors.reason(e) + ")", e);
        }
    }

    public static N5Array open(Path dir) {
        return open(Stores.of(dir));
    }

    public static N5Array open(ChunkStore store) {
        String where = store.location(ATTRIBUTES);
        Map<String, Object> m = attributes(store);
        if (m == null) {
            throw BasinException.badArguments(store.location() + ": not an N5 dataset (no attributes.json)");
        }
        if (!m.containsKey("dimensions")) {
            throw BasinException.badArguments(where + ": an N5 group, not a dataset (no 'dimensions'); name a dataset inside it");
        }
        int[] dims = longs(m.get("dimensions"), where, "dimensions");
        int[] blockSize = longs(m.get("blockSize"), where, "blockSize");
        if (dims.length != 3 && dims.length != 4) {
            throw BasinException.badInput(where + ": 'dimensions' " + Arrays.toString(dims) + " is not 3D (x, y, z) or 4D (x, y, z, c)");
        }
        if (blockSize.length != dims.length) {
            throw BasinException.badInput(where + ": 'blockSize' " + Arrays.toString(blockSize) + " does not have the " + dims.length
                    + " axes of 'dimensions' " + Arrays.toString(dims));
        }
        for (int a = 0; a < dims.length; a++) {
            if (dims[a] < 1 || blockSize[a] < 1) {
                throw BasinException.badInput(where + ": '" + (dims[a] < 1 ? "dimensions' " + Arrays.toString(dims) : "blockSize' "
                        + Arrays.toString(blockSize)) + " has an extent below 1");
            }
        }
        Object dt = m.get("dataType");
        DType dtype = dt instanceof String s ? DType.parse(s) : null;
        if (dtype == null) {
            throw BasinException.badInput(where + ": 'dataType' " + Json.write(dt) + " is not supported; basin reads uint8, uint16, int32, uint32,"
                    + " int64, uint64, float32, float64");
        }
        int[] blocks = reversed(blockSize);
        if ((long) length(blocks) * dtype.bytes() > Integer.MAX_VALUE - 64) {
            throw BasinException.badInput(where + ": 'blockSize' " + Arrays.toString(blockSize) + " of " + dtype.label()
                    + " is over 2 GiB a block, more than basin reads (one block must fit one Java array)");
        }
        N5Codec codec = N5Codec.fromAttributes(m, where);
        Map<String, Object> attrs = new LinkedHashMap<>(m);
        STRUCTURE.forEach(attrs::remove);
        attrs.remove("resolution");
        double[] zyx = voxelSize(store, m, where);
        if (zyx != null) {
            attrs.put("resolution", zyx);
        }
        return new N5Array(store, dtype, reversed(dims), blocks, codec, attrs);
    }

    /**
     * Creates an empty dataset (attributes.json only; unwritten blocks read as 0), with {@code attrs} beside the
     * structure keys. A 4-D dataset has the channels as N5's last axis.
     */
    public static N5Array create(Path dir, DType dtype, int channels, int[] zyxShape, int[] zyxChunks, N5Codec codec, Map<String, Object> attrs) {
        return create(Stores.of(dir), dtype, channels, zyxShape, zyxChunks, codec, attrs);
    }

    public static N5Array create(ChunkStore store, DType dtype, int channels, int[] zyxShape, int[] zyxChunks, N5Codec codec,
            Map<String, Object> attrs) {
        int[] shape = channels > 0 ? new int[] {channels, zyxShape[0], zyxShape[1], zyxShape[2]} : zyxShape.clone();
        int[] blocks = channels > 0 ? new int[] {channels, zyxChunks[0], zyxChunks[1], zyxChunks[2]} : zyxChunks.clone();
        for (int a = 0; a < blocks.length; a++) {
            blocks[a] = Math.max(1, Math.min(blocks[a], Math.max(1, shape[a])));
        }
        Map<String, Object> m = new LinkedHashMap<>(attrs);
        m.put("dimensions", reversed(shape));
        m.put("blockSize", reversed(blocks));
        m.put("dataType", dtype.label());
        m.put("compression", codec.toAttributes());
        store.create();
        store.put(ATTRIBUTES, Json.bytes(m));
        Map<String, Object> user = new LinkedHashMap<>(attrs);
        return new N5Array(store, dtype, shape, blocks, codec, user);
    }

    /** Writes a group's attributes.json with the N5 version (and {@code attrs}), as n5-java does for a container root. */
    public static void createGroup(Path dir, Map<String, Object> attrs) {
        createGroup(Stores.of(dir), attrs);
    }

    public static void createGroup(ChunkStore store, Map<String, Object> attrs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n5", "4.0.0");
        m.putAll(attrs);
        store.create();
        store.put(ATTRIBUTES, Json.bytes(m));
    }

    /** Whole numbers from a JSON list that fit an int (N5 stores longs; basin's arrays are int-indexed). */
    private static int[] longs(Object o, String where, String key) {
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            throw BasinException.badInput(where + ": '" + key + "' " + Json.write(o) + " is not a list of whole numbers");
        }
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = l.get(i);
            if (!(v instanceof Integer n)) {
                throw BasinException.badInput(where + ": '" + key + "' " + Json.write(o) + " is not a list of whole numbers below 2^31"
                        + " (element " + i + " is " + Json.write(v) + ")");
            }
            out[i] = n;
        }
        return out;
    }

    private static int[] reversed(int[] a) {
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    private static long length(int[] s) {
        long n = 1;
        for (int v : s) {
            n *= v;
        }
        return n;
    }

    /**
     * (z, y, x) in nm: the dataset's own {@code resolution}, {@code pixelResolution} or cosem {@code transform}; else
     * its group's times the dataset's {@code downsamplingFactors} (or the group's {@code scales} entry for sN; s0
     * without factors is the group's resolution). Null when neither says.
     */
    static double[] voxelSize(ChunkStore store, Map<String, Object> m, String where) {
        double[] own = resolutionXyz(m, where);
        if (own != null) {
            return zyx(own);
        }
        ChunkStore parent = store.parent();
        Map<String, Object> g = parent == null ? null : attributes(parent);
        if (g == null) {
            return null;
        }
        String gwhere = parent.location(ATTRIBUTES);
        double[] base = resolutionXyz(g, gwhere);
        if (base == null) {
            return null;
        }
        double[] factors = numbers(m.get("downsamplingFactors"), where, "downsamplingFactors");
        Matcher level = LEVEL.matcher(store.name());
        if (factors == null && level.matches() && g.get("scales") instanceof List<?> scales) {
            int n = Integer.parseInt(level.group(1));
            if (n < scales.size()) {
                factors = numbers(scales.get(n), gwhere, "scales[" + n + "]");
            }
        }
        if (factors == null) {
            return level.matches() && level.group(1).equals("0") ? zyx(base) : null;
        }
        if (factors.length < 3) {
            throw BasinException.badInput(where + ": 'downsamplingFactors' " + Arrays.toString(factors) + " is not 3 numbers (x, y, z)");
        }
        return zyx(new double[] {base[0] * factors[0], base[1] * factors[1], base[2] * factors[2]});
    }

    private static double[] zyx(double[] xyz) {
        return new double[] {xyz[2], xyz[1], xyz[0]};
    }

    /** (x, y, z) in nm from resolution, pixelResolution or transform; null when none is there. */
    private static double[] resolutionXyz(Map<String, Object> m, String where) {
        double[] r = numbers(m.get("resolution"), where, "resolution");
        if (r != null) {
            return first3(r, where, "resolution");
        }
        Object pr = m.get("pixelResolution");
        if (pr instanceof Map<?, ?> pm) {
            double[] d = numbers(pm.get("dimensions"), where, "pixelResolution.dimensions");
            if (d == null) {
                throw BasinException.badInput(where + ": 'pixelResolution' " + Json.write(pr) + " has no 'dimensions'");
            }
            double f = nm(pm.get("unit"), where, "pixelResolution.unit");
            double[] xyz = first3(d, where, "pixelResolution.dimensions");
            return new double[] {xyz[0] * f, xyz[1] * f, xyz[2] * f};
        }
        if (pr != null) {
            return first3(numbers(pr, where, "pixelResolution"), where, "pixelResolution");
        }
        if (m.get("transform") instanceof Map<?, ?> t && t.get("axes") instanceof List<?> axes) {
            double[] scale = numbers(t.get("scale"), where, "transform.scale");
            List<?> units = t.get("units") instanceof List<?> u ? u : null;
            if (scale == null || scale.length != axes.size()) {
                throw BasinException.badInput(where + ": 'transform' scale " + Json.write(t.get("scale")) + " does not match its axes " + Json.write(axes));
            }
            double[] xyz = new double[3];
            for (int i = 0; i < axes.size(); i++) {
                int a = "xyz".indexOf(String.valueOf(axes.get(i)));
                if (a >= 0 && String.valueOf(axes.get(i)).length() == 1) {
                    xyz[a] = scale[i] * (units == null || i >= units.size() ? 1 : nm(units.get(i), where, "transform.units"));
                }
            }
            return xyz[0] > 0 && xyz[1] > 0 && xyz[2] > 0 ? xyz : null;
        }
        return null;
    }

    private static double[] first3(double[] v, String where, String key) {
        if (v.length < 3) {
            throw BasinException.badInput(where + ": '" + key + "' " + Arrays.toString(v) + " is not 3 numbers (x, y, z)");
        }
        return Arrays.copyOf(v, 3);
    }

    private static double[] numbers(Object o, String where, String key) {
        if (o == null) {
            return null;
        }
        if (!(o instanceof List<?> l) || !l.stream().allMatch(v -> v instanceof Number)) {
            throw BasinException.badInput(where + ": '" + key + "' " + Json.write(o) + " is not a list of numbers");
        }
        return l.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
    }

    private static double nm(Object unit, String where, String key) {
        if (unit == null) {
            return 1;
        }
        return switch (String.valueOf(unit).toLowerCase(Locale.ROOT)) {
            case "nm", "nanometer", "nanometers", "nanometre" -> 1;
            case "um", "µm", "micrometer", "micrometers", "micron", "microns", "micrometre" -> 1000;
            case "mm", "millimeter", "millimeters" -> 1e6;
            case "angstrom", "a", "å" -> 0.1;
            case "pixel", "px", "" -> 1;
            default -> throw BasinException.badInput(where + ": '" + key + "' " + Json.write(unit) + " is not a length unit basin knows"
                    + " (nm, um, mm, angstrom)");
        };
    }

    @Override
    public VolumeInfo info() {
        return info;
    }

    public Path path() {
        return store instanceof FileChunkStore f ? f.dir() : Path.of(store.location());
    }

    public ChunkStore store() {
        return store;
    }

    /** From now on remember every block written, with the digest of its stored bytes (as {@link ZarrArray#recordWrites}). */
    public void recordWrites() {
        written = new TreeMap<>();
    }

    /** Block key (e.g. {@code 2/1/0}, N5's x/y/z order) -> digest of the stored bytes, for the blocks written since {@link #recordWrites}. */
    public Map<String, String> writtenChunks() {
        return written == null ? Map.of() : Collections.unmodifiableMap(written);
    }

    /** The block's key: grid position in N5's order (x first), "/"-separated. */
    private String blockKey(int[] idx) {
        StringBuilder sb = new StringBuilder();
        for (int a = idx.length - 1; a >= 0; a--) {
            sb.append(idx[a]);
            if (a > 0) {
                sb.append('/');
            }
        }
        return sb.toString();
    }

    /** The block's extent in basin order: blockSize, truncated at the volume's far edge. */
    private int[] extent(int[] idx) {
        int[] e = new int[idx.length];
        for (int a = 0; a < idx.length; a++) {
            e[a] = Math.min(blocks[a], shape[a] - idx[a] * blocks[a]);
        }
        return e;
    }

    /** The block at grid position {@code idx} (basin order), as a C-order array of its truncated extent. */
    private Object readBlock(int[] idx, int[] extent) {
        String key = blockKey(idx);
        byte[] stored = store.get(key);
        if (stored == null) {
            return dtype.allocate((int) length(extent));
        }
        String where = store.location(key) + " (block " + key + ")";
        ByteBuffer h = ByteBuffer.wrap(stored).order(ByteOrder.BIG_ENDIAN);
        if (stored.length < 4) {
            throw BasinException.badInput(where + ": " + stored.length + " bytes, shorter than an N5 block header (truncated?)");
        }
        int mode = h.getShort(0) & 0xffff;
        if (mode == 2) {
            throw BasinException.badInput(where + ": header 'mode' 2 (object block, serialized data) is not a voxel block");
        }
        if (mode != 0 && mode != 1) {
            throw BasinException.badInput(where + ": header 'mode' is " + mode + ", not 0 (default) or 1 (varlength): not an N5 block");
        }
        int ndim = h.getShort(2) & 0xffff;
        if (ndim != shape.length) {
            throw BasinException.badInput(where + ": header 'number of dimensions' is " + ndim + ", not the dataset's " + shape.length);
        }
        int headerBytes = 4 + 4 * ndim + (mode == 1 ? 4 : 0);
        if (stored.length < headerBytes) {
            throw BasinException.badInput(where + ": " + stored.length + " bytes, shorter than its " + headerBytes + "-byte header (truncated?)");
        }
        int[] stored5 = new int[ndim]; // x first
        for (int a = 0; a < ndim; a++) {
            long d = h.getInt(4 + 4 * a) & 0xffffffffL;
            int basinAxis = ndim - 1 - a;
            if (d < 1 || d > blocks[basinAxis]) {
                int[] got = new int[ndim];
                for (int b = 0; b < ndim; b++) {
                    got[b] = h.getInt(4 + 4 * b);
                }
                throw BasinException.badInput(where + ": header 'dimensions' " + Arrays.toString(got) + " do not fit the dataset's blockSize "
                        + Arrays.toString(reversed(blocks)));
            }
            stored5[a] = (int) d;
        }
        int[] dims = reversed(stored5);
        long elements = length(dims);
        if (mode == 1) {
            long declared = h.getInt(4 + 4 * ndim) & 0xffffffffL;
            if (declared != elements) {
                throw BasinException.badInput(where + ": header 'number of elements' (varlength) is " + declared + ", not the "
                        + elements + " voxels of its dimensions " + Arrays.toString(stored5));
            }
        }
        byte[] raw = codec.decode(stored, headerBytes, (int) elements * dtype.bytes(), where);
        Object values = ByteCodec.decode(ByteBuffer.wrap(raw), ByteOrder.BIG_ENDIAN, dtype, (int) elements);
        if (Arrays.equals(dims, extent)) {
            return values;
        }
        // a block stored at its full blockSize at the edge (zarr-python does so), or smaller than the volume there
        Object out = dtype.allocate((int) length(extent));
        NdCopy.copy(values, dims, new int[dims.length], out, extent, new int[dims.length]);
        return out;
    }

    private void writeBlock(int[] idx, int[] extent, Object data) {
        String key = blockKey(idx);
        int n = (int) length(extent);
        ByteBuffer raw = ByteBuffer.allocate(n * dtype.bytes()).order(ByteOrder.BIG_ENDIAN);
        switch (dtype) {
            case UINT8 -> raw.put((byte[]) data, 0, n);
            case UINT16 -> raw.asShortBuffer().put((short[]) data, 0, n);
            case INT32, UINT32 -> raw.asIntBuffer().put((int[]) data, 0, n);
            case INT64, UINT64 -> raw.asLongBuffer().put((long[]) data, 0, n);
            case FLOAT32 -> raw.asFloatBuffer().put((float[]) data, 0, n);
            case FLOAT64 -> raw.asDoubleBuffer().put((double[]) data, 0, n);
        }
        byte[] body = codec.encode(raw.array(), dtype.bytes());
        ByteBuffer out = ByteBuffer.allocate(4 + 4 * extent.length + body.length).order(ByteOrder.BIG_ENDIAN);
        out.putShort((short) 0).putShort((short) extent.length);
        for (int a = extent.length - 1; a >= 0; a--) {
            out.putInt(extent[a]);
        }
        out.put(body);
        byte[] stored = out.array();
        store.put(key, stored); // one object: a file via tmp+rename, one PUT on S3
        if (written != null) {
            written.put(key, Digest.of(stored));
        }
    }

    private int[] blockOrigin(int[] idx) {
        int[] o = new int[idx.length];
        for (int a = 0; a < idx.length; a++) {
            o[a] = idx[a] * blocks[a];
        }
        return o;
    }

    @Override
    public Block read(Box box) {
        if (!info.box().contains(box)) {
            throw new IllegalArgumentException("read " + box + " outside " + store.location() + " " + info.box());
        }
        Block out = info.channels() > 0 ? Block.allocate(dtype, info.channels(), box) : Block.allocate(dtype, box);
        int[] outShape = out.arrayShape();
        int[] outOrigin = NdCopy.origin(shape.length, box.min());
        for (int[] idx : NdCopy.gridCovering(outOrigin, outShape, blocks)) {
            int[] extent = extent(idx);
            NdCopy.copy(readBlock(idx, extent), extent, blockOrigin(idx), out.data(), outShape, outOrigin);
        }
        return out;
    }

    /** Writes the block's voxels (all channels) at its box; partly covered N5 blocks are read, updated and rewritten. */
    public void write(Block block) {
        if (block.dtype() != dtype) {
            throw new IllegalArgumentException("write " + block.dtype() + " into " + dtype + " dataset " + store.location());
        }
        if (!info.box().contains(block.box())) {
            throw new IllegalArgumentException("write " + block.box() + " outside " + store.location() + " " + info.box());
        }
        int[] bShape = block.arrayShape();
        int[] bOrigin = NdCopy.origin(shape.length, block.box().min());
        for (int[] idx : NdCopy.gridCovering(bOrigin, bShape, blocks)) {
            int[] extent = extent(idx);
            int[] bo = blockOrigin(idx);
            boolean covered = true;
            for (int a = 0; a < idx.length; a++) {
                covered &= bOrigin[a] <= bo[a] && bOrigin[a] + bShape[a] >= bo[a] + extent[a];
            }
            if (covered && Arrays.equals(bShape, extent) && Arrays.equals(bOrigin, bo)) {
                writeBlock(idx, extent, block.data());
                continue;
            }
            Object data = covered ? dtype.allocate((int) length(extent)) : readBlock(idx, extent);
            NdCopy.copy(block.data(), bShape, bOrigin, data, extent, bo);
            writeBlock(idx, extent, data);
        }
    }

    @Override
    public void close() {
        // nothing held open between calls
    }
}
