// Mounts the default Neuroglancer viewer (state from the URL fragment, #!{json}); it sets window.viewer, which
// screenshot.mjs polls until every visible chunk has loaded.
import "neuroglancer";
import { setupDefaultViewer } from "neuroglancer/unstable/ui/default_viewer_setup.js";

setupDefaultViewer();
