import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type ProxyOptions } from "vite";

// The web UI: root web/, built into web/dist (served by the Foghorn server at /).
// `npm run dev:web` proxies /api to FOGHORN_URL; with FOGHORN_DEV_TOKEN set, the proxy signs every
// API request with that bearer token so the UI can be developed without a browser session.
const root = fileURLToPath(new URL(".", import.meta.url));
const target = process.env.FOGHORN_URL ?? "http://127.0.0.1:8080";
const devToken = process.env.FOGHORN_DEV_TOKEN;

const apiProxy: ProxyOptions = {
  target,
  changeOrigin: true,
  ...(devToken ? { headers: { Authorization: `Bearer ${devToken}` } } : {}),
};

export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    host: "127.0.0.1",
    port: 5173,
    proxy: { "/api": apiProxy },
  },
  preview: { proxy: { "/api": apiProxy } },
});
