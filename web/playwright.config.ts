import { defineConfig, devices } from "@playwright/test";
import { existsSync } from "node:fs";
import path from "node:path";

// Browser tests against a real `jobmatch serve` (e2e/serve.sh) in the system's Chromium: no browser is downloaded.
const port = Number(process.env.E2E_PORT ?? 8799);
// Commute distances need postal-code coordinates: GeoNames' file where `make run` finds it, else a six-code sample.
const geonames = path.resolve(process.env.GEONAMES ?? "../../shared/data/geo-no/NO.txt");
process.env.E2E_COMMUTE_KNOWN = existsSync(geonames) ? "1" : "";

export default defineConfig({
  testDir: "e2e",
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    locale: "nb-NO",
    trace: "off",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: `bash e2e/serve.sh ${port} ${geonames}`,
    url: `http://127.0.0.1:${port}/readyz`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
  },
});
