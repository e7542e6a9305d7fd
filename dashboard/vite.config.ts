/**
 * Vite config of the dashboard: `vite build --config dashboard/vite.config.ts` (run from any
 * directory) writes dist/dashboard/ (index.html + assets/), which `kairos server` serves at `/`.
 * `vite --config dashboard/vite.config.ts` serves it in development, proxying /api to a local
 * server (KAIROS_SERVER, default http://127.0.0.1:7070).
 */
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = decodeURIComponent(new URL(".", import.meta.url).pathname);

export default defineConfig({
  root: here,
  base: "/",
  plugins: [react()],
  build: { outDir: `${here}../dist/dashboard`, emptyOutDir: true, sourcemap: false },
  server: {
    proxy: { "/api": process.env.KAIROS_SERVER ?? "http://127.0.0.1:7070" },
  },
});
