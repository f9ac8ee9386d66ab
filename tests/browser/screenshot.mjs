// Opens a Neuroglancer URL in headless Chromium, waits until every visible chunk has loaded (viewer.isReady()
// true for several polls in a row), draws once more and saves the WebGL canvas as a PNG, with a JSON beside it
// that gives each panel's rectangle in canvas pixels and what the page logged.
//   node screenshot.mjs URL OUT.png [timeout-ms] [width] [height]
// With --page, a plain page (basin's report.html): waits for its load event and writes OUT.json with every <img>'s
// complete / naturalWidth / naturalHeight, every URL the page requested and what it logged; no screenshot.
//   node screenshot.mjs --page URL OUT.json [timeout-ms]
import { writeFileSync } from "node:fs";
import puppeteer from "puppeteer-core";

const chromeArgs = (width, height) => ["--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist", `--window-size=${width},${height}`];

if (process.argv[2] === "--page") {
  const [pageUrl, outJson, timeoutMs] = process.argv.slice(3);
  const browser = await puppeteer.launch({ executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true,
    args: chromeArgs(1024, 768), defaultViewport: { width: 1024, height: 768, deviceScaleFactor: 1 } });
  try {
    const page = await browser.newPage();
    const requests = [];
    const log = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
    page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url().slice(0, 100)} ${r.failure()?.errorText}`));
    page.on("console", (m) => { if (m.type() === "error") log.push(`console.error: ${m.text()}`); });
    await page.goto(pageUrl, { waitUntil: "load", timeout: Number(timeoutMs ?? 30000) });
    const images = await page.evaluate(() => [...document.images].map((i) =>
      ({ complete: i.complete, naturalWidth: i.naturalWidth, naturalHeight: i.naturalHeight, src: i.src.slice(0, 40) })));
    writeFileSync(outJson, JSON.stringify({ images, requests: requests.map((u) => (u.startsWith("data:") ? u.slice(0, 40) : u)), log }, null, 1));
  } finally {
    await browser.close();
  }
  process.exit(0);
}

const [url, out, timeoutArg, widthArg, heightArg] = process.argv.slice(2);
if (!url || !out) {
  console.error("usage: node screenshot.mjs URL OUT.png [timeout-ms] [width] [height]");
  process.exit(2);
}
const timeout = Number(timeoutArg ?? 60000);
const width = Number(widthArg ?? 800);
const height = Number(heightArg ?? 600);
const log = [];

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  // WebGL 2 without a GPU: SwiftShader through ANGLE
  args: chromeArgs(width, height),
  defaultViewport: { width, height, deviceScaleFactor: 1 },
});
let code = 0;
try {
  const page = await browser.newPage();
  page.on("console", (m) => log.push(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => { if (r.status() >= 400) log.push(`http ${r.status()}: ${r.url()}`); });
  await page.goto(url, { waitUntil: "load", timeout });
  const started = Date.now();
  const ready = await page.evaluate(async (timeout) => {
    const until = performance.now() + timeout;
    let streak = 0;
    while (performance.now() < until) {
      const v = window.viewer;
      const layers = v ? v.layerManager.managedLayers : [];
      if (v && layers.length > 0 && layers.every((l) => l.layer !== null) && v.isReady()) {
        if (++streak >= 5) return true;
      } else {
        streak = 0;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  }, timeout);
  const shot = await page.evaluate(() => {
    const v = window.viewer;
    if (!v) return null;
    v.display.draw();
    const canvas = v.display.canvas;
    const c = canvas.getBoundingClientRect();
    const sx = canvas.width / c.width;
    const sy = canvas.height / c.height;
    // each panel's viewport as Neuroglancer draws it (display_context.js: the element's client box in canvas pixels)
    const panels = [...v.display.panels].map((p) => {
      const r = p.element.getBoundingClientRect();
      const x = Math.round((r.left - c.left) * sx + p.element.clientLeft);
      const y = Math.round((r.top - c.top) * sy + p.element.clientTop);
      return { kind: "sliceView" in p ? "slice" : "3d", x, y, width: p.element.clientWidth, height: p.element.clientHeight,
        renderWidth: p.renderViewport.width, renderHeight: p.renderViewport.height };
    });
    const status = [...document.querySelectorAll(".neuroglancer-status")].map((e) => e.textContent);
    return { png: canvas.toDataURL("image/png"), width: canvas.width, height: canvas.height, panels, status };
  });
  if (shot === null) {
    writeFileSync(out.replace(/\.png$/, "") + ".json", JSON.stringify({ ready, log }, null, 1));
    throw new Error("Neuroglancer did not start (no window.viewer): " + log.slice(0, 5).join(" | "));
  }
  writeFileSync(out, Buffer.from(shot.png.replace(/^data:image\/png;base64,/, ""), "base64"));
  writeFileSync(out.replace(/\.png$/, "") + ".json", JSON.stringify({ ready, waitedMs: Date.now() - started,
    width: shot.width, height: shot.height, panels: shot.panels, status: shot.status, log }, null, 1));
  if (!ready) {
    console.error(`not every chunk loaded within ${timeout} ms; screenshot taken anyway`);
    code = 3;
  }
} finally {
  await browser.close();
}
process.exit(code);
