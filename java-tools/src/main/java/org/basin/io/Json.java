package org.basin.io;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.basin.error.BasinException;

/** Small JSON helpers over Jackson for metadata files. */
public final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    public static Map<String, Object> read(Path path) {
        try {
            return MAPPER.readValue(path.toFile(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw BasinException.badInput(path + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
    }

    /** Parses JSON text held somewhere other than a file (a model's metadata); {@code where} names it in messages. */
    public static Map<String, Object> parse(String text, String where) {
        try {
            return MAPPER.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw BasinException.badInput(where + ": not valid JSON (" + e.getMessage().split("\n")[0] + ")");
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void write(Path path, Object value) {
        try {
            Files.writeString(path, write(value) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw BasinException.io(path + ": cannot write (" + e.getMessage() + ")", e);
        }
    }
}
