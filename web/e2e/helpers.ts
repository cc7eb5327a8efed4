import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import path from "node:path";

export const SCREENSHOTS = path.resolve(import.meta.dirname, "../../docs/screenshots");

export async function signIn(page: Page, subject: string): Promise<void> {
  await page.goto("/");
  await page.getByRole("button", { name: `Logg inn som ${subject}`, exact: true }).click();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Logg ut" }).click();
  await expect(page.getByRole("heading", { name: "Logg inn", level: 1 })).toBeVisible();
}

/** The API as the same demo user, for comparing what the page shows with what the API answers. */
export async function apiAs(request: APIRequestContext, subject: string) {
  const minted = await request.post("/v1/dev/tokens", { data: { subject } });
  expect(minted.ok()).toBeTruthy();
  const headers = { Authorization: `Bearer ${(await minted.json()).access_token}` };
  return {
    async get(url: string, extra: Record<string, string> = {}) {
      const answer = await request.get(url, { headers: { ...headers, ...extra } });
      expect(answer.ok(), `${url}: ${answer.status()}`).toBeTruthy();
      return answer.json();
    },
  };
}

/** The match cards on the page, in order: each is an article named by its title. */
export function matchCards(page: Page): Locator {
  return page.getByRole("list", { name: "Treff" }).getByRole("article");
}

export async function cardTitles(page: Page, count: number): Promise<string[]> {
  return (await matchCards(page).getByRole("heading", { level: 3 }).allInnerTexts()).slice(0, count);
}

/** No serious or critical accessibility violation (axe-core, WCAG 2.1 A and AA). */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
  expect(serious.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`)).toEqual([]);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Press Tab until `target` has focus: proof that the keyboard reaches it. */
export async function tabTo(page: Page, target: Locator, limit = 60): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    await page.keyboard.press("Tab");
    if (await target.evaluate((element) => element === document.activeElement)) return;
  }
  throw new Error(`Tab never reached ${target}`);
}
