package org.basin.io;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.basin.error.BasinException;

/** One triangle mesh as a Wavefront OBJ or an ASCII PLY file, for tools outside Neuroglancer (Blender, MeshLab). */
public final class MeshFiles {
    private MeshFiles() {
    }

    /** The format {@code path}'s name asks for: "obj" or "ply"; anything else is exit 2 naming the path. */
    public static String format(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".obj")) {
            return "obj";
        }
        if (name.endsWith(".ply")) {
            return "ply";
        }
        throw BasinException.badArguments("--output " + path + ": name it .obj or .ply (the format follows the name)");
    }

    /** Writes vertices (x, y, z in nm) and triangles under a temporary name, then renames (see {@link AtomicFiles}). */
    public static void write(Path path, float[] vertices, int[] triangles, String comment, boolean overwrite) {
        String format = format(path);
        AtomicFiles.checkWritable(path, overwrite);
        Path tmp = AtomicFiles.temporaryFor(path);
        try (Writer w = new BufferedWriter(Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII), 1 << 16)) {
            int nv = vertices.length / 3;
            int nt = triangles.length / 3;
            if (format.equals("obj")) {
                w.write("# " + comment + "\n");
                for (int v = 0; v < nv; v++) {
                    w.write("v " + vertices[v * 3] + " " + vertices[v * 3 + 1] + " " + vertices[v * 3 + 2] + "\n");
                }
                for (int t = 0; t < nt; t++) { // OBJ counts vertices from 1
                    w.write("f " + (triangles[t * 3] + 1) + " " + (triangles[t * 3 + 1] + 1) + " " + (triangles[t * 3 + 2] + 1) + "\n");
                }
            } else {
                w.write("ply\nformat ascii 1.0\ncomment " + comment + "\nelement vertex " + nv + "\nproperty float x\nproperty float y\n"
                        + "property float z\nelement face " + nt + "\nproperty list uchar int vertex_indices\nend_header\n");
                for (int v = 0; v < nv; v++) {
                    w.write(vertices[v * 3] + " " + vertices[v * 3 + 1] + " " + vertices[v * 3 + 2] + "\n");
                }
                for (int t = 0; t < nt; t++) {
                    w.write("3 " + triangles[t * 3] + " " + triangles[t * 3 + 1] + " " + triangles[t * 3 + 2] + "\n");
                }
            }
        } catch (IOException e) {
            AtomicFiles.discard(tmp);
            throw BasinException.io(path + ": cannot write (" + IoErrors.reason(e) + ")", e);
        }
        AtomicFiles.commit(tmp, path);
    }
}
