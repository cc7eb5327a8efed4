import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { Router } from "wouter";
import { memoryLocation } from "wouter/memory-location";
import { createApi } from "../../api/client";
import { I18nProvider } from "../../i18n/i18n";
import { SessionProvider } from "../../session";
import { PurposeProvider } from "./purpose";
import { SeekersPage } from "./SeekersPage";

const pages: Record<string, unknown> = {
  "": {
    items: [
      { id: "11111111-1111-4111-8111-111111111111", headline: "Sykepleiere, Helsefagarbeidere", updated_at: "2025-03-01T10:00:00Z" },
      { id: "22222222-2222-4222-8222-222222222222", headline: "", updated_at: "2025-02-01T10:00:00Z" },
    ],
    next_cursor: "page-2",
  },
  "page-2": {
    items: [{ id: "33333333-3333-4333-8333-333333333333", headline: "Kokker", updated_at: "2025-01-01T10:00:00Z" }],
    next_cursor: null,
  },
};

function renderPage() {
  const seen: Request[] = [];
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push(request);
    const cursor = new URL(request.url).searchParams.get("cursor") ?? "";
    return new Response(JSON.stringify(pages[cursor]), { headers: { "Content-Type": "application/json" } });
  };
  const api = createApi(() => ({}), { baseUrl: "http://api.test", fetch: fetcher as typeof fetch });
  const location = memoryLocation({ path: "/caseworker" });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <I18nProvider initial="nb">
        <SessionProvider api={api}>
          <Router hook={location.hook}>
            <PurposeProvider>
              <SeekersPage />
            </PurposeProvider>
          </Router>
        </SessionProvider>
      </I18nProvider>
    </QueryClientProvider>,
  );
  return seen;
}

describe("SeekersPage", () => {
  it("asks why before it lists, sends the purpose, and links each seeker to their visit", async () => {
    const seen = renderPage();
    expect(screen.queryByRole("table")).not.toBeInTheDocument();
    expect(seen).toHaveLength(0);
    await userEvent.type(screen.getByLabelText("Formål"), "Oppfølging");
    await userEvent.click(screen.getByRole("button", { name: "Fortsett" }));

    const table = await screen.findByRole("table", { name: "Arbeidssøkere du kan se" });
    expect(seen[0]!.url).toBe("http://api.test/v1/seekers?limit=50");
    expect(seen[0]!.headers.get("X-Purpose")).toBe("Oppf%C3%B8lging");
    expect(within(table).getByRole("link", { name: "Sykepleiere, Helsefagarbeidere" })).toHaveAttribute(
      "href", "/caseworker/seekers/11111111-1111-4111-8111-111111111111");
    expect(within(table).getByRole("link", { name: "Uten beskrivelse" })).toHaveAttribute(
      "href", "/caseworker/seekers/22222222-2222-4222-8222-222222222222");

    await userEvent.click(screen.getByRole("button", { name: "Vis flere" }));
    expect(await within(table).findByRole("link", { name: "Kokker" })).toBeInTheDocument();
    expect(new URL(seen[1]!.url).searchParams.get("cursor")).toBe("page-2");
    expect(screen.queryByRole("button", { name: "Vis flere" })).not.toBeInTheDocument();
  });
});
