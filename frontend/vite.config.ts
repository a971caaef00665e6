/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// One static build (dist/) that the API serves on the embedded default and nginx serves in production.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // Vite names every file under assets/ by a hash of its content: the server caches them for a year.
    assetsDir: "assets",
    sourcemap: false,
  },
  server: {
    // `npm run dev` during UI work: the API runs on its usual port, and the UI proxies to it.
    proxy: {
      "/api": "http://127.0.0.1:8000",
      "/health": "http://127.0.0.1:8000",
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
