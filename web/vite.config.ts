/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Built into the Python package, so that `jobmatch serve` serves the app without Node.
export default defineConfig({
  plugins: [react()],
  build: { outDir: "../src/jobmatch/web/dist", emptyOutDir: true, assetsInlineLimit: 0 },
  server: { proxy: { "/v1": "http://127.0.0.1:8000" } },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
