import { expect, test } from "@playwright/test";
import { apiAs, cardTitles, expectAccessible, matchCards, screenshot, signIn, signOut, tabTo } from "./helpers";

test("a seeker sees the API's ranking, explanations, what-ifs and dismissals, and who read their data", async ({ page, request }) => {
  const api = await apiAs(request, "demo-1");
  const me = await api.get("/v1/me");
  const matchesUrl = `/v1/seekers/${me.id}/matches`;

  await test.step("signs in and sees the same top five as the API", async () => {
    await signIn(page, "demo-1");
    await expect(page.getByRole("heading", { name: "Dine treff", level: 1 })).toBeVisible();
    const top = await api.get(`${matchesUrl}?limit=5`);
    await expect(matchCards(page).first()).toBeVisible();
    expect(await cardTitles(page, 5)).toEqual(top.items.map((item: { title: string }) => item.title));
    await expectAccessible(page);
    await screenshot(page, "matches");
  });

  await test.step("opens an explanation: every term as a chart, the total, the reasons in words", async () => {
    const first = matchCards(page).first();
    const title = await first.getByRole("heading").innerText();
    await first.getByRole("link", { name: "Hvorfor?" }).click();
    await expect(page.getByRole("heading", { name: "Hvorfor denne stillingen?" })).toBeVisible();
    await expect(page.getByText(title).first()).toBeVisible();
    const chart = page.getByRole("figure");
    await expect(chart.getByText("Sum", { exact: true })).toBeVisible();
    await expect(chart.getByText("Reisevei", { exact: true })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Forklart med ord" })).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "explanation");
    await page.getByRole("link", { name: /Tilbake til treffene/ }).click();
  });

  await test.step("makes Reisevei a must and sees the list change as the API's what-if does", async () => {
    const before = await cardTitles(page, 5);
    await page.getByLabel("Reisevei").selectOption({ label: "Må" });
    await expect(page.getByText("Dette er en hva-om")).toBeVisible();
    const whatIf = await api.get(`${matchesUrl}?limit=5&importance=commute:must`);
    const expected = whatIf.items.map((item: { title: string }) => item.title);
    if (process.env.E2E_COMMUTE_KNOWN) expect(expected).not.toEqual(before); // distances need GeoNames' postal codes
    await expect.poll(() => cardTitles(page, 5)).toEqual(expected);
    const saved = await api.get("/v1/me");
    expect(saved.stay_factors.commute).not.toBe("must"); // a what-if is not saved
    await page.getByRole("button", { name: "Tilbakestill" }).click();
    await expect.poll(() => cardTitles(page, 5)).toEqual(before);
  });

  await test.step("dismisses a posting with a reason and never sees it again", async () => {
    const top = await api.get(`${matchesUrl}?limit=1`);
    const dismissed = top.items[0];
    const card = page.getByRole("article", { name: dismissed.title }).first();
    await card.getByRole("button", { name: "Ikke for meg" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("radio", { name: "For langt unna" }).check();
    await dialog.getByRole("button", { name: "Fjern fra listen" }).click();
    await expect(page.getByText(`«${dismissed.title}» er fjernet`)).toBeVisible();
    await expect(page.locator(`#match-${dismissed.posting_id}`)).toHaveCount(0);
    const after = await api.get(`${matchesUrl}?limit=100`);
    expect(after.items.map((item: { posting_id: number }) => item.posting_id)).not.toContain(dismissed.posting_id);
    await page.reload();
    await expect(matchCards(page).first()).toBeVisible();
    await expect(page.locator(`#match-${dismissed.posting_id}`)).toHaveCount(0);
  });

  await test.step("a caseworker of the seeker's unit lists their unit's seekers and picks this one", async () => {
    await signOut(page);
    await signIn(page, "Z990001");
    await page.getByLabel("Formål").fill("Oversikt over enheten");
    await page.getByRole("button", { name: "Fortsett" }).click();
    const list = page.getByRole("table", { name: "Arbeidssøkere du kan se" });
    await expect(list.getByRole("row").filter({ hasText: me.id })).toHaveCount(1);
    const users = (await (await request.get("/v1/dev/users")).json()).items as { subject: string; unit: string; seeker_id: string }[];
    const otherUnit = users.find((user) => user.subject === "demo-2")!;
    await expect(list.getByRole("row").filter({ hasText: otherUnit.seeker_id })).toHaveCount(0);
    await expectAccessible(page);
    await screenshot(page, "caseworker-list");
    await list.getByRole("row").filter({ hasText: me.id }).getByRole("link").click();
  });

  await test.step("states a purpose for the visit and reads the seeker", async () => {
    await page.getByLabel("Formål").fill("Oppfølging av jobbsøking");
    await page.getByRole("button", { name: "Fortsett" }).click();
    await expect(page.getByRole("heading", { name: "Arbeidssøkerens treff" })).toBeVisible();
    await expect(matchCards(page).first()).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "caseworker-seeker");
    await signOut(page);
  });

  await test.step("the seeker sees the caseworker's read in the access log", async () => {
    await signIn(page, "demo-1");
    await page.getByRole("link", { name: "Hvem har sett dataene mine" }).click();
    const table = page.getByRole("table", { name: "Hvem har sett dataene mine" });
    const row = table.getByRole("row").filter({ hasText: "Z990001" }).filter({ hasText: "Oppfølging av jobbsøking" });
    await expect(row.first()).toBeVisible();
    const listed = table.getByRole("row").filter({ hasText: "Så deg i listen over arbeidssøkere" });
    await expect(listed.filter({ hasText: "Oversikt over enheten" }).first()).toBeVisible();
    await expectAccessible(page);
    await screenshot(page, "access-log");
  });
});

test("a caseworker is refused a seeker outside their unit, in words", async ({ page, request }) => {
  const outside = (await (await request.get("/v1/dev/users")).json()).items.find(
    (user: { subject: string }) => user.subject === "demo-2",
  );
  await signIn(page, "Z990001");
  await expect(page.getByRole("heading", { name: "Arbeidssøkere du kan se" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Arbeidssøkerens id").fill(outside.seeker_id);
  await page.getByRole("button", { name: "Åpne" }).click();
  await page.getByLabel("Formål").fill("Oppfølging");
  await page.getByRole("button", { name: "Fortsett" }).click();
  await expect(page.getByRole("alert").getByText("Du får ikke se denne arbeidssøkeren.")).toBeVisible();
  await expectAccessible(page);
});

test("the sign-in page, the profile and the privacy page work by keyboard and pass axe", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Logg inn", level: 1 })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, "sign-in");
  const demo3 = page.getByRole("button", { name: "Logg inn som demo-3", exact: true });
  await tabTo(page, demo3);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Dine treff" })).toBeVisible();
  await tabTo(page, page.getByLabel("Reisevei"));
  await tabTo(page, matchCards(page).first().getByRole("button", { name: "Ikke for meg" }), 120);
  await page.keyboard.press("Enter");
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toBeHidden();

  await page.getByRole("link", { name: "Profil" }).click();
  await expect(page.getByRole("heading", { name: "Profilen din" })).toBeVisible();
  for (const factor of ["Reisevei", "Fast stilling", "Omfang", "Arbeidstid", "Hjemmekontor", "Sektor", "Lønn"]) {
    await expect(page.getByLabel(factor, { exact: true })).toBeVisible();
  }
  await expectAccessible(page);
  await screenshot(page, "profile");

  // A failed save keeps what was typed; the next save sends it.
  const summary = page.getByLabel("Om meg");
  const typed = "Jeg vil jobbe med mennesker, gjerne i Bergen.";
  await summary.fill(typed);
  await page.route("**/v1/seekers/*", (route) =>
    route.request().method() === "PUT"
      ? route.fulfill({ status: 503, contentType: "application/problem+json", headers: { "Retry-After": "5" },
        body: JSON.stringify({ type: "about:blank", title: "Service Unavailable", status: 503, detail: "the search index is being built" }) })
      : route.fallback());
  await page.getByRole("button", { name: "Lagre profilen" }).click();
  await expect(page.getByText("Profilen ble ikke lagret. Det du skrev, er tatt vare på.")).toBeVisible();
  await expect(page.getByText("Prøv igjen om litt.")).toBeVisible();
  await expect(summary).toHaveValue(typed);
  await page.unroute("**/v1/seekers/*");
  await page.getByRole("button", { name: "Lagre profilen" }).click();
  await expect(page.getByText("Profilen er lagret.")).toBeVisible();
  await expect(summary).toHaveValue(typed);

  await page.getByRole("link", { name: "Mine data" }).click();
  await expect(page.getByRole("heading", { name: "Mine data" })).toBeVisible();
  await expectAccessible(page);
});
