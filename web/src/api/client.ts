// The one way the app talks to jobmatch: a client typed from openapi.yaml (see `npm run api`).
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Problem = Schemas["Problem"];
export type Api = ReturnType<typeof createApi>;

/** A problem answer (RFC 9457) from the API, or a network failure (status 0). */
export class ProblemError extends Error {
  readonly status: number;
  readonly problem: Partial<Problem>;
  readonly retryAfter: string | null;

  constructor(status: number, problem: Partial<Problem>, retryAfter: string | null = null) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = "ProblemError";
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }
}

export interface Credentials {
  /** A bearer token; absent behind an authenticating proxy, which adds it. */
  token?: string | null;
  /** A caseworker's stated purpose, sent as `X-Purpose` (percent-encoded UTF-8). */
  purpose?: string | null;
}

export function createApi(credentials: () => Credentials, options: { baseUrl?: string; fetch?: typeof fetch } = {}) {
  const client = createClient<paths>({ baseUrl: options.baseUrl ?? "", fetch: options.fetch });
  const auth: Middleware = {
    onRequest({ request }) {
      const { token, purpose } = credentials();
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      if (purpose) request.headers.set("X-Purpose", encodeURIComponent(purpose));
      return request;
    },
  };
  client.use(auth);
  return client;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or a `ProblemError` that says what went wrong. */
export function unwrap<T>(answer: Answer<T>): T {
  if (answer.error !== undefined || !answer.response.ok) {
    const problem = (typeof answer.error === "object" && answer.error !== null ? answer.error : {}) as Partial<Problem>;
    throw new ProblemError(answer.response.status, problem, answer.response.headers.get("Retry-After"));
  }
  return answer.data as T;
}

/** Like `unwrap`, and keeps the `ETag` for a later `If-Match`. */
export function unwrapWithTag<T>(answer: Answer<T>): { data: T; etag: string | null } {
  return { data: unwrap(answer), etag: answer.response.headers.get("ETag") };
}

/** Calls that fail before an answer arrives become a problem with status 0. */
export async function call<T>(request: Promise<Answer<T>>): Promise<Answer<T>> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw new ProblemError(0, { title: "network", detail: String(error) });
  }
}
