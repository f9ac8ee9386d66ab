package org.basin.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * Small JSON helpers for metadata files, over Jackson's streaming parser and generator. Not its ObjectMapper: that
 * loads ~600 classes on first use (~150 ms of every process that writes a Zarr array, such as stitch), for
 * documents of a few lines of maps, lists, strings and numbers.
 *
 * <p>Reading gives what the ObjectMapper gave for {@code Map<String, Object>}: ordered maps, lists, Integer (Long,
 * BigInteger when larger), Double, String, Boolean and null. Writing takes maps, iterables, arrays (primitive or
 * not), numbers, strings, booleans, enums and null, pretty-printed.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();

    private Json() {
    }

    public static Map<String, Object> read(Path path) {
        try (JsonParser p = FACTORY.createParser(path.toFile())) {
            return object(p, path.toString());
        } catch (IOException e) {
            throw BasinException.badInput(path + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
    }

    /** Parses JSON text held somewhere other than a file (a model's metadata); {@code where} names it in messages. */
    public static Map<String, Object> parse(String text, String where) {
        try (JsonParser p = FACTORY.createParser(text)) {
            return object(p, where);
        } catch (IOException e) {
            throw BasinException.badInput(where + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(JsonParser p, String where) throws IOException {
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
            throw BasinException.badInput(where + ": not valid JSON (expected an object, found " + (t == null ? "nothing" : p.getText()) + ")");
        }
        return (Map<String, Object>) value(p);
    }

    /** The value starting at the parser's current token. */
    private static Object value(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    m.put(key, value(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(value(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> p.getIntValue();
                    case LONG -> p.getLongValue();
                    default -> p.getBigIntegerValue();
                };
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + p.currentToken() + " at " + p.currentLocation());
        }
    }

    public static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /**
     * Writes under a temporary sibling name and renames it into place: tasks that create one store's metadata at
     * the same time (each writes the same text) never let a reader see half a file.
     */
    public static void write(Path path, Object value) {
        writeText(path, write(value) + "\n");
    }

    /** The text {@link #write(Path, Object)} stores, as UTF-8: what a store's metadata key holds. */
    public static byte[] bytes(Object value) {
        return (write(value) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    static void writeText(Path path, String text) {
        Path tmp = path.resolveSibling("." + path.getFileName() + ".partial-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            AtomicFiles.discard(tmp);
            throw BasinException.io(path + ": cannot write (" + e.getMessage() + ")", e);
        }
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Float f) {
            g.writeNumber(f);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof BigInteger b) {
            g.writeNumber(b);
        } else if (v instanceof BigDecimal b) {
            g.writeNumber(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof Iterable<?> it) {
            g.writeStartArray();
            for (Object o : it) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v.getClass().isArray()) {
            g.writeStartArray();
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                write(g, Array.get(v, i));
            }
            g.writeEndArray();
        } else if (v instanceof Enum<?> e) {
            g.writeString(e.name());
        } else {
            // a value this writer does not know how to spell is a programming error, not bad input
            throw new IllegalArgumentException("cannot write " + v.getClass().getName() + " as JSON");
        }
    }
}
