package org.basin.io;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.basin.error.BasinException;
import org.basin.volume.DType;

/**
 * An HDF5 file of named 1-D arrays (int[] as int32, long[] as int64, float[] as float32) with root attributes: the
 * hierarchical merge's task files. jhdf cannot write empty datasets, so the root attribute {@code arrays} lists every
 * array as {@code name:dtype:length} and those of length 0 are not written.
 */
public final class ArrayFile {
    private ArrayFile() {
    }

    public static void write(Path target, Map<String, Object> attributes, Map<String, Object> arrays) {
        List<Hdf5Files.Entry> entries = new ArrayList<>();
        StringBuilder listing = new StringBuilder();
        for (Map.Entry<String, Object> e : arrays.entrySet()) {
            Object a = e.getValue();
            DType t;
            int n;
            if (a instanceof int[] i) {
                t = DType.INT32;
                n = i.length;
            } else if (a instanceof long[] l) {
                t = DType.INT64;
                n = l.length;
            } else if (a instanceof float[] f) {
                t = DType.FLOAT32;
                n = f.length;
            } else {
                throw new IllegalArgumentException(e.getKey() + ": not an int[], long[] or float[]");
            }
            listing.append(listing.length() == 0 ? "" : ",").append(e.getKey()).append(':').append(t.name()).append(':').append(n);
            if (n > 0) {
                entries.add(Hdf5Files.Entry.table(e.getKey(), t, new int[] {n}, a));
            }
        }
        Map<String, Object> attrs = new LinkedHashMap<>(attributes);
        attrs.put("arrays", listing.toString());
        Hdf5Files.write(target, attrs, entries, false);
    }

    /** The root attributes and the arrays whose names {@code wanted} accepts, in one open of the file. */
    public record Contents(Map<String, Object> attributes, Map<String, Object> arrays) {
    }

    public static Contents read(Path path, Predicate<String> wanted) {
        Map<String, Object> empty = new LinkedHashMap<>();
        Hdf5Files.Contents c = Hdf5Files.readContents(path, attrs -> {
            if (!(attrs.get("arrays") instanceof String listing)) {
                throw BasinException.badInput(path + ": not a basin array file (no 'arrays' attribute)");
            }
            List<String> names = new ArrayList<>();
            for (String item : listing.isEmpty() ? new String[0] : listing.split(",")) {
                String[] f = item.split(":");
                if (f.length != 3 || !wanted.test(f[0])) {
                    continue;
                }
                int n = Integer.parseInt(f[2]);
                if (n > 0) {
                    names.add(f[0]);
                } else {
                    empty.put(f[0], switch (DType.valueOf(f[1])) {
                        case INT32 -> new int[0];
                        case INT64 -> new long[0];
                        default -> new float[0];
                    });
                }
            }
            return names;
        });
        Map<String, Object> out = new LinkedHashMap<>(empty);
        for (Map.Entry<String, Hdf5Files.Table> t : c.tables().entrySet()) {
            out.put(t.getKey(), t.getValue().data());
        }
        return new Contents(c.attributes(), out);
    }
}
