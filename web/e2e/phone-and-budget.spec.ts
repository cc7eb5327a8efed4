import { expect, test } from "@playwright/test";
import { gzipSync } from "node:zlib";
import { apiAs, expectAccessible, matchCards, screenshot, signIn } from "./helpers";

const BUDGET = 300 * 1024;

test("the matches page loads at most 300 KB of JavaScript and CSS, gzipped", async ({ page, request }) => {
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
  // demo-4's commute must removes every ad of their field: the page says why, as the API does, and offers what it names.
  const api = await apiAs(request, "demo-4");
  const me = await api.get("/v1/me");
  const answer = await api.get(`/v1/seekers/${me.id}/matches?limit=20`);
  if (!process.env.E2E_COMMUTE_KNOWN) return; // without GeoNames' postal codes no distance is known, so the commute removes nothing
  expect(answer.why_short?.relaxations.length).toBeGreaterThan(0);
  const heading = answer.why_short.nothing_fits ? "Ingen stillinger passer nå" : "Få stillinger passer";
  await expect(page.getByRole("heading", { name: heading })).toBeVisible();
  await expect(page.getByRole("button", { name: /^Prøv uten dette kravet/ }).first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "short-list");
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
