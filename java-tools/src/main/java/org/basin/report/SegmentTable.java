package org.basin.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The per-block segment table RELABEL writes (tab-separated: {@code id voxels x0 y0 z0 x1 y1 z1}, the box's first
 * voxel and one past its last, x,y,z as everywhere users read) as rows of text and back.
 */
public final class SegmentTable {
    public static final String[] COLUMNS = {"id", "voxels", "x0", "y0", "z0", "x1", "y1", "z1"};

    private SegmentTable() {
    }

    public static List<Object[]> rows(List<Segment> segments) {
        List<Object[]> out = new ArrayList<>(segments.size());
        for (Segment s : segments) {
            out.add(new Object[] {Long.toUnsignedString(s.id()), s.voxels(), s.min()[2], s.min()[1], s.min()[0], s.max()[2], s.max()[1], s.max()[0]});
        }
        return out;
    }

    /** The segments of a table's rows; {@code where} names the table in the message of a row that is not one. */
    public static List<Segment> segments(List<String> columns, List<String[]> rows, String where) {
        if (!columns.equals(List.of(COLUMNS))) {
            throw new IllegalArgumentException(where + ": columns " + columns + ", expected " + List.of(COLUMNS));
        }
        List<Segment> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            try {
                long id = Long.parseUnsignedLong(r[0]);
                long voxels = Long.parseLong(r[1]);
                int[] v = new int[6];
                for (int k = 0; k < 6; k++) {
                    v[k] = Integer.parseInt(r[2 + k]);
                }
                if (id == 0 || voxels < 1 || v[0] >= v[3] || v[1] >= v[4] || v[2] >= v[5] || v[0] < 0 || v[1] < 0 || v[2] < 0) {
                    throw new NumberFormatException("not a segment (id above 0, voxels at least 1, a box x0 < x1, y0 < y1, z0 < z1 from 0)");
                }
                out.add(new Segment(id, voxels, new int[] {v[2], v[1], v[0]}, new int[] {v[5], v[4], v[3]}));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": row " + (i + 2) + " '" + String.join("\t", r) + "': " + e.getMessage());
            }
        }
        return out;
    }
}
