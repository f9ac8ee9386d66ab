package org.basin.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.basin.error.BasinException;

/**
 * The small tab-separated tables that pass between pipeline stages (the plan's task lists, the digests of what each
 * task wrote): a header row, then one row per task or chunk. Nextflow reads them with {@code splitCsv}.
 */
public final class TaskTable {
    private final List<String> columns;
    private final List<String[]> rows = new ArrayList<>();

    public TaskTable(String... columns) {
        this.columns = List.of(columns);
    }

    public TaskTable add(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(values.length + " values for columns " + columns);
        }
        String[] row = new String[values.length];
        for (int i = 0; i < values.length; i++) {
            row[i] = String.valueOf(values[i]);
            if (row[i].contains("\t") || row[i].contains("\n")) {
                throw new IllegalArgumentException("a tab or newline in table value '" + row[i] + "'");
            }
        }
        rows.add(row);
        return this;
    }

    public List<String> columns() {
        return columns;
    }

    public List<String[]> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }

    /** Written whole under a temporary name, then renamed. */
    public void write(Path path) {
        StringBuilder sb = new StringBuilder(String.join("\t", columns)).append('\n');
        for (String[] r : rows) {
            sb.append(String.join("\t", r)).append('\n');
        }
        try {
            Path parent = path.toAbsolutePath().getParent();
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw BasinException.io(path + ": cannot create its folder (" + e.getMessage() + ")", e);
        }
        Json.writeText(path, sb.toString());
    }

    /** Reads a table written by {@link #write}; {@code required} columns must be there. */
    public static TaskTable read(Path path, String... required) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BasinException.io(path + ": cannot read (" + e.getMessage() + ")", e);
        }
        if (lines.isEmpty()) {
            throw BasinException.badInput(path + ": empty table (no header row)");
        }
        String[] header = lines.get(0).split("\t", -1);
        TaskTable t = new TaskTable(header);
        for (String c : required) {
            if (!t.columns.contains(c)) {
                throw BasinException.badInput(path + ": no column '" + c + "' (has " + t.columns + ")");
            }
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isEmpty()) {
                continue;
            }
            String[] row = lines.get(i).split("\t", -1);
            if (row.length != header.length) {
                throw BasinException.badInput(path + ": line " + (i + 1) + " has " + row.length + " fields, the header " + header.length);
            }
            t.rows.add(row);
        }
        return t;
    }

    /** The values of one column, in row order. */
    public List<String> column(String name) {
        int c = columns.indexOf(name);
        if (c < 0) {
            throw new IllegalArgumentException("no column " + name);
        }
        List<String> out = new ArrayList<>(rows.size());
        for (String[] r : rows) {
            out.add(r[c]);
        }
        return out;
    }
}
