// Bundles the web UI (src/) with uPlot into one folder the executable serves as its wwwroot.
// Usage: node build.mjs [output folder]   (default: dist/). Prints the bundle's gzipped size.
import { build } from "esbuild";
import { copyFile, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, "dist"));
// Budget of the whole bundle, gzipped (issue 18): a failed build rather than a slow page on a Raspberry Pi.
const budgetBytes = 500 * 1024;

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
await build({
  entryPoints: { app: path.join(here, "src", "app.js"), style: path.join(here, "src", "style.css") },
  bundle: true,
  minify: true,
  format: "iife",
  target: ["chrome100", "firefox100", "safari15"],
  outdir: out,
  logLevel: "warning",
});
await copyFile(path.join(here, "src", "index.html"), path.join(out, "index.html"));

let gzipped = 0;
for (const name of await readdir(out)) {
  gzipped += gzipSync(await readFile(path.join(out, name)), { level: 9 }).length;
}
console.log(`darkstar web: bundle in ${out}, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
if (gzipped > budgetBytes) {
  console.error(`darkstar web: the bundle is ${gzipped} bytes gzipped, over the budget of ${budgetBytes}`);
  process.exit(1);
}
