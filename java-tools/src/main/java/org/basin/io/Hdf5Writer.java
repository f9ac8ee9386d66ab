package org.basin.io;

import io.jhdf.checksum.ChecksumUtils;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.volume.DType;

/**
 * Writes an HDF5 file of groups, contiguous numeric datasets and small attributes, the way basin's chunk files
 * and Omni files are made: superblock version 2, version-2 object headers, compact links (HDF5 1.8 and later,
 * h5py, jhdf). Datasets go to disk in large sequential writes straight from their flat arrays; jhdf, which
 * basin uses for everything else, copies a dataset two or three times and writes a contiguous one a row per
 * system call.
 *
 * <p>Layout: superblock, then every object header (root group first), then each dataset's raw data, 8-byte
 * aligned. Sizes of the headers do not depend on addresses, so one pass measures them and a second fills them in.
 */
final class Hdf5Writer {
    private static final long UNDEFINED = -1L;
    private static final int SUPERBLOCK = 48;
    private static final int MAX_MESSAGE = 0xffff; // a message's size field has 2 bytes
    private static final int BUFFER = 8 << 20;

    private Hdf5Writer() {
    }

    /** True when every attribute and dataset is of a kind this writer handles (else use jhdf). */
    static boolean supports(Map<String, Object> rootAttributes, List<Hdf5Files.Entry> entries) {
        if (!attributesSupported(rootAttributes)) {
            return false;
        }
        for (Hdf5Files.Entry e : entries) {
            long n = 1;
            for (int d : e.shape()) {
                n *= d;
            }
            if (n == 0 || e.shape().length == 0 || !attributesSupported(e.attributes())) {
                return false;
            }
            for (String part : e.path().replaceFirst("^/", "").split("/")) {
                if (!ascii(part)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean attributesSupported(Map<String, Object> attributes) {
        for (Map.Entry<String, Object> a : attributes.entrySet()) {
            Object v = a.getValue();
            boolean known = v instanceof String || v instanceof Integer || v instanceof Long || v instanceof Float || v instanceof Double
                    || (v instanceof int[] x && x.length > 0) || (v instanceof long[] x && x.length > 0)
                    || (v instanceof float[] x && x.length > 0) || (v instanceof double[] x && x.length > 0)
                    || (v instanceof byte[] x && x.length > 0);
            if (!known || !ascii(a.getKey()) || attributeMessage(a.getKey(), v).length > MAX_MESSAGE) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(String s) {
        if (s.isEmpty() || s.length() > 255) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20 || s.charAt(i) > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** A group (children by name: groups or datasets) or a dataset, with its header's address once placed. */
    private static final class Node {
        final Map<String, Object> attributes;
        final Map<String, Node> children = new LinkedHashMap<>();
        final Hdf5Files.Entry dataset; // null for a group
        long address;
        long dataAddress;

        Node(Map<String, Object> attributes, Hdf5Files.Entry dataset) {
            this.attributes = attributes;
            this.dataset = dataset;
        }
    }

    static void write(Path file, Map<String, Object> rootAttributes, List<Hdf5Files.Entry> entries) throws IOException {
        Node root = new Node(rootAttributes, null);
        List<Node> datasets = new ArrayList<>();
        for (Hdf5Files.Entry e : entries) {
            String[] parts = e.path().replaceFirst("^/", "").split("/");
            Node g = root;
            for (int i = 0; i < parts.length - 1; i++) {
                Node next = g.children.get(parts[i]);
                if (next == null) {
                    next = new Node(Map.of(), null);
                    g.children.put(parts[i], next);
                } else if (next.dataset != null) {
                    throw new IllegalArgumentException(e.path() + ": " + parts[i] + " is a dataset, not a group");
                }
                g = next;
            }
            Node d = new Node(e.attributes(), e);
            if (g.children.put(parts[parts.length - 1], d) != null) {
                throw new IllegalArgumentException(e.path() + ": written twice");
            }
            datasets.add(d);
        }
        List<Node> order = new ArrayList<>();
        collect(root, order);
        // pass 1: header sizes (addresses are fixed-size fields), then place headers and data
        long at = SUPERBLOCK;
        for (Node n : order) {
            n.address = at;
            at += header(n).length;
        }
        long headersEnd = at;
        for (Node d : datasets) {
            at = (at + 7) & ~7L;
            d.dataAddress = at;
            at += bytes(d.dataset);
        }
        long eof = at;
        // pass 2: the real headers
        ByteBuffer meta = ByteBuffer.allocate(Math.toIntExact(headersEnd)).order(ByteOrder.LITTLE_ENDIAN);
        meta.put(superblock(root.address, eof));
        for (Node n : order) {
            meta.put(header(n));
        }
        meta.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(ch, meta, 0);
            long largest = 0;
            for (Node d : datasets) {
                largest = Math.max(largest, bytes(d.dataset));
            }
            ByteBuffer buf = IoBuffers.direct((int) Math.min(BUFFER, largest));
            for (Node d : datasets) {
                writeData(ch, buf, d.dataset, d.dataAddress); // the last one ends at eof; gaps before are holes
            }
        }
    }

    private static void collect(Node n, List<Node> out) {
        out.add(n);
        for (Node c : n.children.values()) {
            collect(c, out);
        }
    }

    private static long bytes(Hdf5Files.Entry e) {
        long n = e.dtype().bytes();
        for (int d : e.shape()) {
            n *= d;
        }
        return n;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
        long pos = position;
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    /** The flat array, little-endian, in pieces of at most BUFFER bytes. */
    private static void writeData(FileChannel ch, ByteBuffer buf, Hdf5Files.Entry e, long address) throws IOException {
        int es = e.dtype().bytes();
        int per = buf.capacity() / es;
        int total = java.lang.reflect.Array.getLength(e.flat());
        long pos = address;
        for (int from = 0; from < total; from += per) {
            int n = Math.min(per, total - from);
            buf.clear();
            ByteCodec.encodeInto(e.flat(), from, n, e.dtype(), buf);
            buf.flip();
            writeFully(ch, buf, pos);
            pos += (long) n * es;
        }
    }

    private static byte[] superblock(long rootAddress, long eof) {
        Out o = new Out();
        o.bytes(new byte[] {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'});
        o.u8(2).u8(8).u8(8).u8(0); // version 2, 8-byte offsets and lengths, no consistency flags
        o.u64(0).u64(UNDEFINED).u64(eof).u64(rootAddress);
        return o.checksummed();
    }

    /** A version-2 object header holding the node's messages. */
    private static byte[] header(Node n) {
        Out body = new Out();
        if (n.dataset == null) {
            // a new-style group: link info (compact links), group info, one link message per child
            message(body, 0x02, new Out().u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED).array());
            message(body, 0x0A, new Out().u8(0).u8(0).array());
            for (Map.Entry<String, Node> c : n.children.entrySet()) {
                byte[] name = c.getKey().getBytes(StandardCharsets.US_ASCII);
                message(body, 0x06, new Out().u8(1).u8(0).u8(name.length).bytes(name).u64(c.getValue().address).array());
            }
        } else {
            Hdf5Files.Entry e = n.dataset;
            message(body, 0x01, dataspace(e.shape()));
            message(body, 0x03, datatype(e.dtype()));
            message(body, 0x05, new Out().u8(3).u8(1 | (2 << 2)).array()); // fill value: allocated early, default (zero)
            message(body, 0x08, new Out().u8(3).u8(1).u64(n.dataAddress).u64(bytes(e)).array()); // contiguous layout
        }
        for (Map.Entry<String, Object> a : n.attributes.entrySet()) {
            message(body, 0x0C, attributeMessage(a.getKey(), a.getValue()));
        }
        byte[] messages = body.array();
        Out o = new Out();
        o.bytes(new byte[] {'O', 'H', 'D', 'R'}).u8(2).u8(2); // version 2; chunk size in 4 bytes, no times
        o.u32(messages.length).bytes(messages);
        return o.checksummed();
    }

    private static void message(Out o, int type, byte[] data) {
        o.u8(type).u16(data.length).u8(0).bytes(data);
    }

    private static byte[] dataspace(int[] shape) {
        Out o = new Out().u8(2).u8(shape.length).u8(0).u8(shape.length == 0 ? 0 : 1);
        for (int d : shape) {
            o.u64(d);
        }
        return o.array();
    }

    private static byte[] fixedPoint(int size, boolean signed) {
        return new Out().u8(0x10).u8(signed ? 0x08 : 0).u8(0).u8(0).u32(size).u16(0).u16(size * 8).array();
    }

    private static byte[] floatingPoint(int size) {
        Out o = new Out().u8(0x11).u8(0x20).u8(size == 4 ? 31 : 63).u8(0).u32(size).u16(0).u16(size * 8);
        return (size == 4 ? o.u8(23).u8(8).u8(0).u8(23).u32(127) : o.u8(52).u8(11).u8(0).u8(52).u32(1023)).array();
    }

    private static byte[] datatype(DType t) {
        return t.isFloating() ? floatingPoint(t.bytes()) : fixedPoint(t.bytes(), !t.isUnsigned());
    }

    /** An attribute message (version 3): name, type, space and value of a string, number or 1D numeric array. */
    private static byte[] attributeMessage(String name, Object v) {
        byte[] type;
        int[] shape;
        Out data = new Out();
        if (v instanceof String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            type = new Out().u8(0x13).u8(0x10).u8(0).u8(0).u32(utf8.length + 1).array(); // null-terminated UTF-8
            shape = new int[0];
            data.bytes(utf8).u8(0);
        } else if (v instanceof Integer i) {
            type = fixedPoint(4, true);
            shape = new int[0];
            data.u32(i);
        } else if (v instanceof Long l) {
            type = fixedPoint(8, true);
            shape = new int[0];
            data.u64(l);
        } else if (v instanceof Float f) {
            type = floatingPoint(4);
            shape = new int[0];
            data.u32(Float.floatToRawIntBits(f));
        } else if (v instanceof Double d) {
            type = floatingPoint(8);
            shape = new int[0];
            data.u64(Double.doubleToRawLongBits(d));
        } else if (v instanceof int[] a) {
            type = fixedPoint(4, true);
            shape = new int[] {a.length};
            for (int x : a) {
                data.u32(x);
            }
        } else if (v instanceof long[] a) {
            type = fixedPoint(8, true);
            shape = new int[] {a.length};
            for (long x : a) {
                data.u64(x);
            }
        } else if (v instanceof float[] a) {
            type = floatingPoint(4);
            shape = new int[] {a.length};
            for (float x : a) {
                data.u32(Float.floatToRawIntBits(x));
            }
        } else if (v instanceof double[] a) {
            type = floatingPoint(8);
            shape = new int[] {a.length};
            for (double x : a) {
                data.u64(Double.doubleToRawLongBits(x));
            }
        } else if (v instanceof byte[] a) {
            type = fixedPoint(1, true);
            shape = new int[] {a.length};
            data.bytes(a);
        } else {
            throw new IllegalArgumentException("attribute " + name + ": unsupported value " + v.getClass());
        }
        byte[] space = dataspace(shape);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        return new Out().u8(3).u8(0).u16(n.length + 1).u16(type.length).u16(space.length).u8(0)
                .bytes(n).u8(0).bytes(type).bytes(space).bytes(data.array()).array();
    }

    /** Little-endian bytes, growing as needed. */
    private static final class Out {
        private ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);

        private Out room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n)).order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
            return this;
        }

        Out u8(int v) {
            room(1).b.put((byte) v);
            return this;
        }

        Out u16(int v) {
            room(2).b.putShort((short) v);
            return this;
        }

        Out u32(int v) {
            room(4).b.putInt(v);
            return this;
        }

        Out u64(long v) {
            room(8).b.putLong(v);
            return this;
        }

        Out bytes(byte[] v) {
            room(v.length).b.put(v);
            return this;
        }

        byte[] array() {
            return java.util.Arrays.copyOf(b.array(), b.position());
        }

        /** The bytes so far followed by their Jenkins lookup3 checksum, as HDF5's version-2 structures end. */
        byte[] checksummed() {
            byte[] body = array();
            return new Out().bytes(body).u32(ChecksumUtils.checksum(body)).array();
        }
    }
}
