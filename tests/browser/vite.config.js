// Builds a Neuroglancer client from the npm package (which ships ES modules, no prebuilt client), after
// neuroglancer's examples/vite. Only the data sources basin's outputs need are compiled in: zarr (v2, v3, OME-Zarr)
// and precomputed (meshes).
import { defineConfig } from "vite";

// npm's ikonate 1.1.1 (the override of neuroglancer's GitHub-only pin) lacks three icons neuroglancer imports:
// they resolve to a plain placeholder square instead of failing the build.
const MISSING_ICONS = ["code-alt", "controls-alt", "layers"];
const PLACEHOLDER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor"><rect x="4" y="4" width="16" height="16"/></svg>';

function placeholderIcons() {
  const prefix = "\0basin-icon:";
  return {
    name: "basin-placeholder-icons",
    enforce: "pre",
    resolveId(id) {
      const m = /^ikonate\/icons\/([a-z0-9-]+)\.svg\?raw$/.exec(id);
      return m && MISSING_ICONS.includes(m[1]) ? prefix + m[1] : null;
    },
    load(id) {
      return id.startsWith(prefix) ? `export default ${JSON.stringify(PLACEHOLDER_SVG)};` : null;
    },
  };
}

export default defineConfig({
  base: "",
  plugins: [placeholderIcons()],
  resolve: {
    conditions: [
      "neuroglancer/datasource:none_by_default",
      "neuroglancer/datasource/zarr:enabled",
      "neuroglancer/datasource/precomputed:enabled",
    ],
  },
  worker: { format: "es" },
  build: { chunkSizeWarningLimit: 8 * 1024 * 1024, reportCompressedSize: false },
});
