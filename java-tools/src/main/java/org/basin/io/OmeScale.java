package org.basin.io;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * The voxel size an OME-Zarr (NGFF 0.4 or 0.5) group gives one of its arrays: the dataset's {@code scale} transform times
 * the multiscale's own, the last three axes (z, y, x), converted to nm from the axes' units (nm when unnamed).
 */
final class OmeScale {
    private OmeScale() {
    }

    /** (z, y, x) in nm, or null when {@code group} has no multiscales entry for {@code arrayPath}. */
    static double[] of(Path group, String arrayPath) {
        return of(Stores.of(group), arrayPath);
    }

    static double[] of(ChunkStore groupStore, String arrayPath) {
        String group = groupStore.location();
        List<?> list = multiscales(groupStore);
        if (list == null) {
            return null;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m) || !(m.get("datasets") instanceof List<?> ds)) {
                continue;
            }
            for (Object d : ds) {
                if (d instanceof Map<?, ?> dm && arrayPath.equals(String.valueOf(dm.get("path")))) {
                    double[] s = scale(dm.get("coordinateTransformations"), group);
                    if (s == null) {
                        return null;
                    }
                    double[] global = scale(m.get("coordinateTransformations"), group);
                    double[] units = units(m.get("axes"), s.length);
                    double[] zyx = new double[3];
                    for (int a = 0; a < 3; a++) {
                        int i = s.length - 3 + a;
                        zyx[a] = s[i] * (global != null && global.length == s.length ? global[i] : 1) * units[i];
                    }
                    return zyx;
                }
            }
        }
        return null;
    }

    /** As {@link #multiscales(ChunkStore)} for a group folder (or s3:// prefix). */
    static List<?> multiscales(Path group) {
        return multiscales(Stores.of(group));
    }

    /**
     * The group's {@code multiscales} list: from {@code .zattrs} (OME-Zarr 0.4, Zarr v2) or from {@code zarr.json}
     * attributes.ome (OME-Zarr 0.5, Zarr v3); null when it has none.
     */
    static List<?> multiscales(ChunkStore group) {
        byte[] attrs = group.get(".zattrs");
        Object ms = null;
        if (attrs != null) {
            ms = Json.parse(new String(attrs, StandardCharsets.UTF_8), group.location(".zattrs")).get("multiscales");
        } else {
            byte[] v3 = group.get("zarr.json");
            if (v3 != null && Json.parse(new String(v3, StandardCharsets.UTF_8), group.location("zarr.json")).get("attributes") instanceof Map<?, ?> a
                    && a.get("ome") instanceof Map<?, ?> ome) {
                ms = ome.get("multiscales");
            }
        }
        return ms instanceof List<?> list ? list : null;
    }

    private static double[] scale(Object transforms, String group) {
        if (!(transforms instanceof List<?> ts)) {
            return null;
        }
        for (Object t : ts) {
            if (t instanceof Map<?, ?> tm && "scale".equals(tm.get("type")) && tm.get("scale") instanceof List<?> s) {
                if (s.size() < 3 || !s.stream().allMatch(v -> v instanceof Number)) {
                    throw BasinException.badInput(group + ": OME-Zarr scale " + Json.write(s) + " is not numbers for (..., z, y, x)");
                }
                return s.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray();
            }
        }
        return null;
    }

    /** nm per unit of each axis. */
    private static double[] units(Object axes, int n) {
        double[] f = new double[n];
        Arrays.fill(f, 1);
        if (axes instanceof List<?> as && as.size() == n) {
            for (int i = 0; i < n; i++) {
                if (as.get(i) instanceof Map<?, ?> am && am.get("unit") instanceof String u) {
                    f[i] = switch (u.toLowerCase(Locale.ROOT)) {
                        case "angstrom" -> 0.1;
                        case "micrometer", "micron" -> 1000;
                        case "millimeter" -> 1e6;
                        default -> 1;
                    };
                }
            }
        }
        return f;
    }
}
