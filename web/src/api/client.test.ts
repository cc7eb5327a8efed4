import { describe, expect, it } from "vitest";
import { call, createApi, ProblemError, unwrap, unwrapWithTag } from "./client";

function recordingFetch(answer: () => Response) {
  const seen: Request[] = [];
  const fetcher = async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push(input instanceof Request ? input : new Request(input, init));
    return answer();
  };
  return { seen, fetcher: fetcher as typeof fetch };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("the API client", () => {
  it("sends the bearer token and a percent-encoded purpose", async () => {
    const { seen, fetcher } = recordingFetch(() => json({ id: "x" }));
    const api = createApi(() => ({ token: "abc" }), { baseUrl: "http://api.test", fetch: fetcher });
    await api.GET("/v1/seekers/{seeker_id}", {
      params: { path: { seeker_id: "s-1" }, header: { "X-Purpose": encodeURIComponent("Oppfølging") } },
    });
    expect(seen[0]!.url).toBe("http://api.test/v1/seekers/s-1");
    expect(seen[0]!.headers.get("Authorization")).toBe("Bearer abc");
    expect(seen[0]!.headers.get("X-Purpose")).toBe("Oppf%C3%B8lging");
  });

  it("sends no Authorization behind the proxy, and repeats what-if importances", async () => {
    const { seen, fetcher } = recordingFetch(() => json({ items: [], total: 0, index_version: "v", next_cursor: null }));
    const api = createApi(() => ({}), { baseUrl: "http://api.test", fetch: fetcher });
    await api.GET("/v1/seekers/{seeker_id}/matches", {
      params: { path: { seeker_id: "s" }, query: { importance: ["commute:must", "salary:none"] } },
    });
    expect(seen[0]!.headers.has("Authorization")).toBe(false);
    expect(new URL(seen[0]!.url).searchParams.getAll("importance")).toEqual(["commute:must", "salary:none"]);
  });

  it("turns a problem answer into a ProblemError with its status, detail and Retry-After", async () => {
    const { fetcher } = recordingFetch(() =>
      json({ title: "Service Unavailable", status: 503, detail: "the index is being built" }, 503, { "Retry-After": "5" }),
    );
    const api = createApi(() => ({}), { baseUrl: "http://api.test", fetch: fetcher });
    const failure = await call(api.GET("/v1/me")).then(unwrap).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProblemError);
    expect((failure as ProblemError).status).toBe(503);
    expect((failure as ProblemError).message).toBe("the index is being built");
    expect((failure as ProblemError).retryAfter).toBe("5");
  });

  it("keeps the ETag for the next If-Match", async () => {
    const { fetcher } = recordingFetch(() => json({ id: "s" }, 200, { ETag: '"v7"' }));
    const api = createApi(() => ({}), { baseUrl: "http://api.test", fetch: fetcher });
    expect(unwrapWithTag(await call(api.GET("/v1/me"))).etag).toBe('"v7"');
  });

  it("reports a network failure as status 0", async () => {
    const api = createApi(() => ({}), { baseUrl: "http://api.test", fetch: (async () => { throw new TypeError("offline"); }) as typeof fetch });
    const failure = await call(api.GET("/v1/me")).catch((error: unknown) => error);
    expect((failure as ProblemError).status).toBe(0);
  });
});
