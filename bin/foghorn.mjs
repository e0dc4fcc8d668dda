#!/usr/bin/env node
// The foghorn executable. Runs dist/foghorn.mjs, a bundle of src/ (npm packages stay external) that is
// rebuilt with esbuild (~0.2 s) whenever a source file is newer; loading plain JS instead of compiling
// TypeScript on every start is what keeps a cold start under 1.5 s (bench/README.md).
// FOGHORN_DEV=1 runs the sources through tsx instead, with no bundle.
import { existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

// `foghorn alert list | head`: a reader that stops early closes the pipe; that ends the command quietly, as
// in any Unix tool, instead of crashing with an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr])
  stream.on("error", (error) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
const bundle = join(root, "dist", "main.mjs");

function newestSource(dir, extensions) {
  let newest = statSync(join(root, "package.json")).mtimeMs;
  for (const file of readdirSync(join(root, dir), { recursive: true })) {
    if (!extensions.some((ext) => String(file).endsWith(ext))) continue;
    newest = Math.max(newest, statSync(join(root, dir, String(file))).mtimeMs);
  }
  return newest;
}

/** `serve` builds the web UI (web/ → web/dist, ~2 s with Vite) when it is missing or older than its sources. */
async function buildWebIfStale() {
  const index = join(root, "web", "dist", "index.html");
  if (!existsSync(join(root, "web", "src"))) return;
  // web/src imports the pure vocabulary of src/domain, so a change there rebuilds the UI too.
  const newest = Math.max(
    newestSource("web", [".ts", ".tsx", ".css", ".html", ".svg"]),
    newestSource(join("src", "domain"), [".ts"]),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= newest) return;
  let vite;
  try {
    vite = await import("vite");
  } catch {
    process.stderr.write(
      "foghorn: the web UI is not built and Vite is not installed (npm install, then npm run build:web)\n",
    );
    return;
  }
  process.stderr.write("foghorn: building the web UI (web/ → web/dist)…\n");
  await vite.build({ configFile: join(root, "web", "vite.config.ts"), logLevel: "warn" });
}

async function load() {
  if (process.env.FOGHORN_DEV === "1") {
    const { register } = await import("tsx/esm/api");
    register();
    return import("../src/main.ts");
  }
  if (!existsSync(bundle) || statSync(bundle).mtimeMs < newestSource("src", [".ts"])) {
    const { build } = await import("esbuild");
    const result = await build({
      // The status worker is a second entry (a process of its own, http/status-workers.ts).
      entryPoints: [join(root, "src", "main.ts"), join(root, "src", "http", "status-worker.ts")],
      outdir: join(root, "dist"),
      outExtension: { ".js": ".mjs" },
      // Chunks: modules imported with import() (the HTTP server) load only when asked for, in parallel
      // with PGlite's start.
      splitting: true,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      packages: "external",
      sourcemap: "linked",
      logLevel: "warning",
      write: false,
    });
    // Write beside, then rename: a process starting at the same moment never reads half a bundle.
    mkdirSync(dirname(bundle), { recursive: true });
    // Chunks first, the entry last: a process starting meanwhile finds every chunk its entry names.
    const entryLast = [...result.outputFiles].sort(
      (a, b) => Number(a.path.endsWith("main.mjs")) - Number(b.path.endsWith("main.mjs")),
    );
    for (const file of entryLast) {
      mkdirSync(dirname(file.path), { recursive: true });
      const temp = `${file.path}.${process.pid}.tmp`;
      writeFileSync(temp, file.contents);
      renameSync(temp, file.path);
    }
  }
  return import(bundle);
}

process.setSourceMapsEnabled(true);
if (process.argv[2] === "serve") await buildWebIfStale();
const { run } = await load();
process.exitCode = await run(process.argv.slice(2));
