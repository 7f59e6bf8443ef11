// Vite builds the UI to dist/ (static files the server serves at /). No React plugin: esbuild's
// automatic JSX runtime is all the build needs (fast refresh is a dev nicety we skip).
import { defineConfig } from "vite";

export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      onwarn(warning, warn) {
        // React Query ships "use client" directives for server-component bundlers; harmless here.
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" || warning.code === "SOURCEMAP_ERROR") return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev -w @sightline/web` with `sightline serve` on :3000 behind it.
    proxy: { "/api": "http://127.0.0.1:3000" },
  },
});
