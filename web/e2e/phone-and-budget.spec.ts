import { expect, test } from "@playwright/test";
import { gzipSync } from "node:zlib";
import { expectAccessible, matchCards, screenshot, signIn } from "./helpers";

const BUDGET = 300 * 1024;

test("the matches page loads at most 300 KB of JavaScript and CSS, gzipped", async ({ page }) => {
  await signIn(page, "demo-4");
  const listed = page.getByRole("heading", { name: /stillinger passer$/, level: 2 });
  await expect(listed).toBeVisible();
  const sizes = new Map<string, number>();
  page.on("response", async (response) => {
    if (/\.(js|css)$/.test(new URL(response.url()).pathname)) {
      sizes.set(response.url(), gzipSync(await response.body(), { level: 9 }).length);
    }
  });
  await page.goto("/matches");
  await expect(listed).toBeVisible();
  const total = [...sizes.values()].reduce((sum, size) => sum + size, 0);
  console.log(`matches page, first load: ${(total / 1024).toFixed(1)} KB of JavaScript and CSS, gzipped (${sizes.size} files)`);
  expect(sizes.size).toBeGreaterThan(0);
  expect(total).toBeLessThanOrEqual(BUDGET);
  // demo-4's musts leave nothing that fits: the page says why and offers what the API names.
  await expect(page.getByRole("heading", { name: "Ingen stillinger passer nå" })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Prøv uten dette kravet/ }).first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "nothing-fits");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test("the matches page fits the screen and passes axe", async ({ page }) => {
    await signIn(page, "demo-6");
    await expect(matchCards(page).first()).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible(page);
    await screenshot(page, "matches-phone");
  });
});
