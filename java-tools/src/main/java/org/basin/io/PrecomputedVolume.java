package org.basin.io;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.basin.error.BasinException;
import org.basin.volume.Block;
import org.basin.volume.Box;
import org.basin.volume.DType;

/**
 * One scale of a Neuroglancer precomputed volume in a folder or an object store (a {@link ChunkStore}): the
 * {@code info} key, chunks encoded raw, compressed_segmentation or jpeg, stored unsharded
 * ({@code <key>/<x0>-<x1>_<y0>-<y1>_<z0>-<z1>}, optionally gzip-compressed: a {@code .gz} name or gzip content; one
 * GET each in S3) or sharded ({@link PrecomputedShards}: ranged reads, never a whole shard). Chunks not stored read
 * as 0. Region reads need not align with chunks.
 *
 * <p>Precomputed chunks are [x, y, z, channel] in Fortran order, which is the memory order of basin's C-order
 * (c, z, y, x) blocks: chunk bytes go to blocks without a transpose. basin reads the scale's own box
 * [0, size): voxel (0, 0, 0) is the info's {@code voxel_offset} (kept in the attributes as {@code voxel_offset_xyz}), so outputs start at 0 and the offset must be added back to place them in Neuroglancer's frame.
 */
public final class PrecomputedVolume implements VolumeReader {
    enum Encoding { RAW, COMPRESSED_SEGMENTATION, JPEG }

    /** One entry of the info's {@code scales}; x, y, z order as the file writes it. */
    record Scale(String key, int[] size, long[] offset, int[] chunk, double[] resolution, Encoding encoding, int[] block,
            PrecomputedShards.Spec sharding) {
    }

    /** What the info file says about the whole volume. */
    record Info(String type, DType dtype, int channels, List<Scale> scales) {
    }

    static final String INFO = "info";

    private final ChunkStore root;
    private final ChunkStore scaleStore;
    private final Scale scale;
    private final DType dtype;
    private final int channels; // num_channels (1 for a 3D volume)
    private final VolumeInfo info;
    private final PrecomputedShards shards;
    private final long[] grid; // chunks along x, y, z

    private PrecomputedVolume(ChunkStore root, Info meta, Scale scale) {
        this.root = root;
        this.scale = scale;
        this.dtype = meta.dtype();
        this.channels = meta.channels();
        this.scaleStore = root.child(scale.key());
        this.grid = new long[3];
        for (int d = 0; d < 3; d++) {
            grid[d] = (scale.size()[d] + (long) scale.chunk()[d] - 1) / scale.chunk()[d];
        }
        this.shards = scale.sharding() == null ? null : new PrecomputedShards(scaleStore, scale.sharding(), "scale \"" + scale.key() + "\"");
        int[] zyx = {scale.size()[2], scale.size()[1], scale.size()[0]};
        int[] chunkZyx = {scale.chunk()[2], scale.chunk()[1], scale.chunk()[0]};
        Map<String, Object> attrs = new LinkedHashMap<>();
        double[] r = scale.resolution();
        attrs.put("voxel_size", new double[] {r[2], r[1], r[0]});
        attrs.put("voxel_offset_xyz", scale.offset().clone());
        attrs.put("type", meta.type());
        attrs.put("scale_key", scale.key());
        String compression = switch (scale.encoding()) {
            case RAW -> "raw";
            case JPEG -> "jpeg";
            case COMPRESSED_SEGMENTATION -> "compressed_segmentation(block " + scale.block()[0] + "," + scale.block()[1] + "," + scale.block()[2] + ")";
        } + (scale.sharding() == null ? "" : ", " + scale.sharding().describe());
        this.info = new VolumeInfo("precomputed", root.location(), scale.key(), dtype, channels > 1 ? channels : 0, zyx,
                channels > 1 ? new int[] {channels, chunkZyx[0], chunkZyx[1], chunkZyx[2]} : chunkZyx, compression, attrs);
    }

    /** True when {@code dir} holds an {@code info} file (a precomputed volume, or something to be named as bad input). */
    public static boolean isVolume(Path dir) {
        return Stores.isS3(dir) ? isVolume(Stores.of(dir)) : Files.isRegularFile(dir.resolve(INFO));
    }

    /** True when the store has an {@code info} key (one HEAD in S3). */
    public static boolean isVolume(ChunkStore store) {
        return store.exists(INFO);
    }

    /**
     * The volume of which {@code dir} is a scale's folder ({@code root/<key>}, the parent holding the info file), opened
     * at that scale; null when {@code dir} is not one (also when the parent's info is no precomputed volume's).
     */
    public static PrecomputedVolume openScaleFolder(Path dir) {
        Path parent = dir.toAbsolutePath().normalize().getParent();
        if (parent == null || !isVolume(parent)) {
            return null;
        }
        return openScaleOf(Stores.of(parent), dir.toAbsolutePath().normalize().getFileName().toString());
    }

    /**
     * The volume at {@code parent} opened at its scale {@code name}, for a location naming a scale's folder or prefix
     * ({@code s3://b/vol/s0}); null when {@code parent} has no info, or one whose scales do not include {@code name}.
     */
    public static PrecomputedVolume openScaleOf(ChunkStore parent, String name) {
        if (parent == null || !isVolume(parent)) {
            return null;
        }
        List<String> keys;
        try {
            keys = levelPaths(parent);
        } catch (BasinException e) {
            return null; // an info file of something else beside the folder: not this folder's concern
        }
        return keys.contains(name) ? open(parent, name) : null;
    }

    /** The scale keys of the volume at {@code root}, finest first (the info's order: resolutions must not decrease). */
    public static List<String> levelPaths(Path root) {
        return levelPaths(Stores.of(root));
    }

    public static List<String> levelPaths(ChunkStore root) {
        return readInfo(root).scales().stream().map(Scale::key).toList();
    }

    /** Opens the scale named {@code scaleKey} (null or empty: the first, finest scale). */
    public static PrecomputedVolume open(Path root, String scaleKey) {
        return open(Stores.of(root), scaleKey);
    }

    public static PrecomputedVolume open(ChunkStore root, String scaleKey) {
        Info meta = readInfo(root);
        String wanted = scaleKey == null ? "" : scaleKey;
        if (wanted.isEmpty() || wanted.equals("/")) {
            return new PrecomputedVolume(root, meta, meta.scales().get(0));
        }
        for (Scale s : meta.scales()) {
            if (s.key().equals(wanted) || s.key().equals(wanted.replaceFirst("^/", ""))) {
                return new PrecomputedVolume(root, meta, s);
            }
        }
        throw BasinException.badArguments(root.location() + ": the precomputed volume has no scale '" + scaleKey + "'; its scales are "
                + meta.scales().stream().map(Scale::key).toList());
    }

    @Override
    public VolumeInfo info() {
        return info;
    }

    /** The scale read (its key, size, voxel offset, chunking, encoding). */
    Scale scale() {
        return scale;
    }

    // ------------------------------------------------------------------------------------------------ info file

    /** The parsed info; a missing one is exit 4 naming where it was looked for (in S3: bucket and key). */
    static Info readInfo(ChunkStore root) {
        String where = root.location(INFO);
        byte[] bytes = root.get(INFO);
        if (bytes == null) {
            throw BasinException.io(where + ": no precomputed volume's info (" + root.absent(INFO) + ")", null);
        }
        Map<String, Object> m = Json.parse(new String(bytes, StandardCharsets.UTF_8), where);
        Object atType = m.get("@type");
        if (atType != null && !"neuroglancer_multiscale_volume".equals(atType)) {
            throw BasinException.badInput(where + ": field '@type' " + shown(atType) + " is not \"neuroglancer_multiscale_volume\""
                    + " (basin reads precomputed volumes, not meshes, skeletons or annotations)");
        }
        String type = string(m, "type", where).toLowerCase(Locale.ROOT);
        if (!type.equals("image") && !type.equals("segmentation")) {
            throw BasinException.badInput(where + ": field 'type' \"" + m.get("type") + "\" is not \"image\" or \"segmentation\"");
        }
        String dt = string(m, "data_type", where);
        DType dtype = DType.parse(dt);
        if (dtype == null) {
            throw BasinException.badInput(where + ": field 'data_type' \"" + dt + "\" is not one basin reads (uint8, uint16, uint32, int32, uint64,"
                    + " int64, float32, float64)");
        }
        Object nc = m.get("num_channels");
        if (!(nc instanceof Integer channels) || channels < 1) {
            throw BasinException.badInput(where + ": field 'num_channels' " + (nc == null ? "is missing" : shown(nc) + " is not an integer above 0"));
        }
        if (!(m.get("scales") instanceof List<?> list) || list.isEmpty()) {
            throw BasinException.badInput(where + ": field 'scales' " + (m.get("scales") == null ? "is missing" : shown(m.get("scales"))
                    + " is not a list of scales"));
        }
        List<Scale> scales = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            scales.add(scale(list.get(i), i, dtype, channels, where));
        }
        return new Info(type, dtype, channels, scales);
    }

    private static Scale scale(Object o, int i, DType dtype, int channels, String file) {
        if (!(o instanceof Map<?, ?> m)) {
            throw BasinException.badInput(file + ": scales[" + i + "] " + shown(o) + " is not an object");
        }
        Object k = m.get("key");
        if (!(k instanceof String key) || key.isEmpty()) {
            throw BasinException.badInput(file + ": scales[" + i + "] field 'key' " + (k == null ? "is missing" : shown(k) + " is not a folder name"));
        }
        String where = file + ": scale \"" + key + "\"";
        int[] size = triple(m, "size", where, 1);
        long[] offset = m.get("voxel_offset") == null ? new long[3] : Arrays.stream(triple(m, "voxel_offset", where, Integer.MIN_VALUE))
                .asLongStream().toArray();
        if (!(m.get("chunk_sizes") instanceof List<?> cs) || cs.isEmpty()) {
            throw BasinException.badInput(where + " field 'chunk_sizes' " + (m.get("chunk_sizes") == null ? "is missing"
                    : shown(m.get("chunk_sizes")) + " is not a list of [x, y, z] sizes"));
        }
        // several chunk sizes are several complete copies of the scale: the first serves
        int[] chunk = triple(cs.get(0), "chunk_sizes[0]", where, 1);
        if ((long) chunk[0] * chunk[1] * chunk[2] * channels * dtype.bytes() > Integer.MAX_VALUE - 16) {
            throw BasinException.badInput(where + " field 'chunk_sizes' " + Arrays.toString(chunk) + " of " + channels + " channel(s) "
                    + dtype.label() + " is over 2 GiB a chunk, more than basin reads");
        }
        double[] resolution = resolution(m, where);
        Object e = m.get("encoding");
        if (!(e instanceof String es)) {
            throw BasinException.badInput(where + " field 'encoding' " + (e == null ? "is missing" : shown(e) + " is not a string"));
        }
        Encoding encoding = switch (es.toLowerCase(Locale.ROOT)) {
            case "raw" -> Encoding.RAW;
            case "compressed_segmentation" -> Encoding.COMPRESSED_SEGMENTATION;
            case "jpeg" -> Encoding.JPEG;
            default -> throw BasinException.badInput(where + " field 'encoding' \"" + es + "\" is not supported; basin reads raw,"
                    + " compressed_segmentation and jpeg (re-encode the scale, e.g. with Igneous, to one of them)");
        };
        int[] block = null;
        if (encoding == Encoding.COMPRESSED_SEGMENTATION) {
            if (dtype != DType.UINT32 && dtype != DType.UINT64) {
                throw BasinException.badInput(where + ": encoding compressed_segmentation needs data_type uint32 or uint64, not " + dtype.label());
            }
            block = triple(m, "compressed_segmentation_block_size", where, 1);
        }
        if (encoding == Encoding.JPEG && (dtype != DType.UINT8 || (channels != 1 && channels != 3))) {
            throw BasinException.badInput(where + ": encoding jpeg needs data_type uint8 and num_channels 1 or 3, not " + dtype.label() + " x "
                    + channels);
        }
        PrecomputedShards.Spec sharding = m.get("sharding") == null ? null : PrecomputedShards.Spec.parse(m.get("sharding"), where);
        return new Scale(key, size, offset, chunk, resolution, encoding, block, sharding);
    }

    private static String string(Map<String, Object> m, String field, String where) {
        Object v = m.get(field);
        if (!(v instanceof String s)) {
            throw BasinException.badInput(where + ": field '" + field + "' " + (v == null ? "is missing" : shown(v) + " is not a string"));
        }
        return s;
    }

    /** Three integers of at least {@code min} (x, y, z). */
    private static int[] triple(Map<?, ?> m, String field, String where, int min) {
        return triple(m.get(field), field, where, min);
    }

    private static int[] triple(Object v, String field, String where, int min) {
        if (!(v instanceof List<?> l) || l.size() != 3 || !l.stream().allMatch(x -> x instanceof Integer n && n >= min)) {
            String why = v instanceof List<?> l && l.stream().anyMatch(x -> x instanceof Long || x instanceof BigInteger)
                    ? " has a value larger than basin reads (2^31 - 1)"
                    : min == 1 ? " is not three integers above 0 (x, y, z)" : " is not three integers (x, y, z)";
            throw BasinException.badInput(where + " field '" + field + "' " + (v == null ? "is missing" : shown(v) + why));
        }
        return l.stream().mapToInt(x -> (Integer) x).toArray();
    }

    /** A value of the info file as the user wrote it, on one line. */
    static String shown(Object v) {
        return v instanceof String s ? "\"" + s + "\"" : Json.write(v).replaceAll("\\s+", "");
    }

    private static double[] resolution(Map<?, ?> m, String where) {
        Object v = m.get("resolution");
        if (!(v instanceof List<?> l) || l.size() != 3 || !l.stream().allMatch(x -> x instanceof Number n && n.doubleValue() > 0
                && Double.isFinite(n.doubleValue()))) {
            throw BasinException.badInput(where + " field 'resolution' " + (v == null ? "is missing" : shown(v)
                    + " is not three numbers above 0 (x, y, z in nm)"));
        }
        return l.stream().mapToDouble(x -> ((Number) x).doubleValue()).toArray();
    }

    // ------------------------------------------------------------------------------------------------ reading

    @Override
    public Block read(Box box) {
        if (!info.box().contains(box)) {
            throw new IllegalArgumentException("read " + box + " outside " + root.location() + " " + info.box());
        }
        Block out = channels > 1 ? Block.allocate(dtype, channels, box) : Block.allocate(dtype, box);
        if (box.isEmpty()) {
            return out;
        }
        int rank = channels > 1 ? 4 : 3;
        int[] outShape = out.arrayShape();
        int[] outOrigin = NdCopy.origin(rank, box.min());
        int[] c = scale.chunk();
        for (int gz = box.min(0) / c[2]; gz <= (box.max(0) - 1) / c[2]; gz++) {
            for (int gy = box.min(1) / c[1]; gy <= (box.max(1) - 1) / c[1]; gy++) {
                for (int gx = box.min(2) / c[0]; gx <= (box.max(2) - 1) / c[0]; gx++) {
                    int[] begin = {gx * c[0], gy * c[1], gz * c[2]};
                    int[] size = new int[3];
                    for (int d = 0; d < 3; d++) {
                        size[d] = Math.min(c[d], scale.size()[d] - begin[d]);
                    }
                    Object chunk = readChunk(new int[] {gx, gy, gz}, begin, size);
                    if (chunk != null) {
                        int[] shape = rank == 4 ? new int[] {channels, size[2], size[1], size[0]} : new int[] {size[2], size[1], size[0]};
                        NdCopy.copy(chunk, shape, NdCopy.origin(rank, new int[] {begin[2], begin[1], begin[0]}), out.data(), outShape, outOrigin);
                    }
                }
            }
        }
        return out;
    }

    /** The chunk's voxels in C order (c, z, y, x) of its (edge-clipped) size, or null when it is not stored. */
    private Object readChunk(int[] g, int[] begin, int[] size) {
        int voxels = size[0] * size[1] * size[2];
        int rawLength = voxels * channels * dtype.bytes();
        byte[] bytes;
        String where;
        if (shards != null) {
            long id = PrecomputedShards.compressedMorton(new long[] {g[0], g[1], g[2]}, grid);
            bytes = shards.read(id);
            where = shards.locationOf(id) + ": scale \"" + scale.key() + "\" chunk " + Arrays.toString(g) + " (id " + Long.toUnsignedString(id) + ")";
        } else {
            StringBuilder name = new StringBuilder();
            for (int d = 0; d < 3; d++) {
                long lo = scale.offset()[d] + begin[d];
                name.append(d > 0 ? "_" : "").append(lo).append('-').append(lo + size[d]);
            }
            where = scaleStore.location(name.toString()) + ": scale \"" + scale.key() + "\" chunk";
            bytes = scaleStore.get(name.toString());
            if (bytes == null) {
                bytes = scaleStore.get(name + ".gz");
                if (bytes == null) {
                    return null;
                }
                where = scaleStore.location(name + ".gz") + ": scale \"" + scale.key() + "\" chunk";
                bytes = gunzip(bytes, where);
            } else if (isGzip(bytes) && !(scale.encoding() == Encoding.RAW && bytes.length == rawLength)) {
                // gzip content under the plain name, as a server's Content-Encoding leaves it; a raw chunk of exactly
                // the raw length that happens to start with the magic bytes stays raw
                bytes = gunzip(bytes, where + " (gzip content)");
            }
        }
        if (bytes == null) {
            return null;
        }
        switch (scale.encoding()) {
            case RAW -> {
                if (bytes.length != rawLength) {
                    throw BasinException.badInput(where + ": raw chunk is " + bytes.length + " bytes, not the " + rawLength + " of " + size[0] + "x"
                            + size[1] + "x" + size[2] + " (x,y,z) x " + channels + " channel(s) " + dtype.label() + ": truncated or not raw");
                }
                return ByteCodec.decode(ByteBuffer.wrap(bytes), ByteOrder.LITTLE_ENDIAN, dtype, voxels * channels);
            }
            case COMPRESSED_SEGMENTATION -> {
                Object out = dtype.allocate(voxels * channels);
                CompressedSegmentation.decode(bytes, size, scale.block(), channels, out, where);
                return out;
            }
            case JPEG -> {
                return jpeg(bytes, voxels, where);
            }
            default -> throw new IllegalStateException(scale.encoding().name());
        }
    }

    /**
     * A jpeg chunk: an image of any width and height whose rows, concatenated, are the chunk's voxels in x, y, z
     * order; with 3 components each component is one channel.
     */
    private byte[] jpeg(byte[] bytes, int voxels, String where) {
        BufferedImage image;
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) {
            throw new IllegalStateException("no JPEG reader in this Java runtime");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            reader.setInput(in);
            image = reader.read(0);
        } catch (IOException | RuntimeException e) {
            throw BasinException.badInput(where + ": not a readable JPEG (" + e.getMessage() + ")");
        } finally {
            reader.dispose();
        }
        Raster r = image.getRaster();
        int w = r.getWidth();
        int h = r.getHeight();
        if ((long) w * h != voxels || r.getNumBands() != channels) {
            throw BasinException.badInput(where + ": JPEG of " + w + "x" + h + " pixels, " + r.getNumBands() + " component(s); the chunk needs "
                    + voxels + " pixels of " + channels + " component(s)");
        }
        byte[] out = new byte[voxels * channels];
        int[] samples = new int[voxels];
        for (int b = 0; b < channels; b++) {
            r.getSamples(0, 0, w, h, b, samples);
            for (int i = 0; i < voxels; i++) {
                out[b * voxels + i] = (byte) samples[i];
            }
        }
        return out;
    }

    private static boolean isGzip(byte[] b) {
        return b.length >= 2 && b[0] == (byte) 0x1f && b[1] == (byte) 0x8b;
    }

    /** The gunzipped bytes (every member); damaged or cut-off gzip is bad input naming {@code where}. */
    static byte[] gunzip(byte[] stored, String where) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored), 65536)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, stored.length * 4));
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw BasinException.badInput(where + ": not valid gzip (" + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    + ")");
        }
    }

    @Override
    public void close() {
        // nothing held open: each read is a whole key or a range of one
    }
}
