// Server state, fetched and cached in one place (TanStack Query); pages call these hooks.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useSession } from "../session";
import { useI18n } from "../i18n/i18n";
import { call, unwrap, unwrapWithTag, type Schemas } from "./client";

export type Overrides = Partial<Record<Schemas["StayFactor"], Schemas["Importance"]>>;
const PAGE = 20;

/** `importance=factor:level` what-if parameters, in a stable order (also the cache key). */
export function importanceParams(overrides: Overrides): string[] {
  return Object.entries(overrides)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([factor, level]) => `${factor}:${level}`);
}

function purposeHeader(purpose?: string | null) {
  return purpose ? { "X-Purpose": encodeURIComponent(purpose) } : {};
}

export function useMe() {
  const { api } = useSession();
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrapWithTag(await call(api.GET("/v1/me"))),
  });
}

export function useSeeker(seekerId: string, purpose: string | null) {
  const { api } = useSession();
  return useQuery({
    queryKey: ["seeker", seekerId, purpose],
    enabled: purpose !== null,
    queryFn: async () =>
      unwrap(await call(api.GET("/v1/seekers/{seeker_id}", { params: { path: { seeker_id: seekerId }, header: purposeHeader(purpose) } }))),
  });
}

export function useMatches(seekerId: string | undefined, overrides: Overrides, purpose?: string | null) {
  const { api } = useSession();
  const { apiLang } = useI18n();
  const importance = importanceParams(overrides);
  return useInfiniteQuery({
    queryKey: ["matches", seekerId, importance, apiLang, purpose ?? null],
    enabled: seekerId !== undefined && purpose !== null,
    initialPageParam: null as string | null,
    getNextPageParam: (page: Schemas["MatchPage"]) => page.next_cursor,
    placeholderData: (previous) => previous,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await call(
          api.GET("/v1/seekers/{seeker_id}/matches", {
            params: {
              path: { seeker_id: seekerId! },
              query: { limit: PAGE, lang: apiLang, importance, ...(pageParam ? { cursor: pageParam } : {}) },
              header: purposeHeader(purpose),
            },
          }),
        ),
      ),
  });
}

export function useExplanation(seekerId: string | undefined, postingId: number, overrides: Overrides, purpose?: string | null) {
  const { api } = useSession();
  const importance = importanceParams(overrides);
  return useQuery({
    queryKey: ["explanation", seekerId, postingId, importance, purpose ?? null],
    enabled: seekerId !== undefined && purpose !== null,
    queryFn: async () =>
      unwrap(
        await call(
          api.GET("/v1/seekers/{seeker_id}/matches/{posting_id}/explanation", {
            params: { path: { seeker_id: seekerId!, posting_id: postingId }, query: { importance }, header: purposeHeader(purpose) },
          }),
        ),
      ),
  });
}

export function usePosting(postingId: number) {
  const { api } = useSession();
  return useQuery({
    queryKey: ["posting", postingId],
    staleTime: 5 * 60_000,
    queryFn: async () => unwrap(await call(api.GET("/v1/postings/{posting_id}", { params: { path: { posting_id: postingId } } }))),
  });
}

export function usePostEvent(seekerId: string) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (event: Schemas["EventIn"]) =>
      unwrap(await call(api.POST("/v1/seekers/{seeker_id}/events", { params: { path: { seeker_id: seekerId } }, body: event }))),
    onSuccess: (_recorded, event) => {
      if (event.kind === "dismissed") void queryClient.invalidateQueries({ queryKey: ["matches"] });
      void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
      void queryClient.invalidateQueries({ queryKey: ["events"] });
    },
  });
}

export function useSavedPostings(seekerId: string | undefined) {
  const { api } = useSession();
  return useQuery({
    queryKey: ["events", seekerId],
    enabled: seekerId !== undefined,
    queryFn: async () => {
      const page = unwrap(
        await call(api.GET("/v1/seekers/{seeker_id}/events", { params: { path: { seeker_id: seekerId! }, query: { limit: 200 } } })),
      );
      return new Set(page.items.filter((event) => event.kind === "saved").map((event) => event.posting_id));
    },
  });
}

/** Save the whole profile with `PUT`, sending `If-Match` when the API gave an `ETag`. */
export function useSaveProfile() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ seekerId, profile, etag }: { seekerId: string; profile: Schemas["SeekerIn"]; etag: string | null }) =>
      unwrapWithTag(
        await call(
          api.PUT("/v1/seekers/{seeker_id}", {
            params: { path: { seeker_id: seekerId } },
            body: profile,
            headers: etag ? { "If-Match": etag } : {},
          }),
        ),
      ),
    onSuccess: (saved) => {
      queryClient.setQueryData(["me"], saved);
      void queryClient.invalidateQueries({ queryKey: ["matches"] });
      void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
    },
  });
}

export function useSuggestions(seekerId: string | undefined) {
  const { api } = useSession();
  return useQuery({
    queryKey: ["suggestions", seekerId],
    enabled: seekerId !== undefined,
    queryFn: async () =>
      unwrap(await call(api.GET("/v1/seekers/{seeker_id}/suggestions", { params: { path: { seeker_id: seekerId! } } }))),
  });
}

export function useDecideSuggestion(seekerId: string) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ suggestionId, accept }: { suggestionId: string; accept: boolean }) => {
      const params = { params: { path: { seeker_id: seekerId, suggestion_id: suggestionId } } };
      return unwrap(
        await call(
          accept
            ? api.POST("/v1/seekers/{seeker_id}/suggestions/{suggestion_id}/accept", params)
            : api.POST("/v1/seekers/{seeker_id}/suggestions/{suggestion_id}/reject", params),
        ),
      );
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ["suggestions"] });
      void queryClient.invalidateQueries({ queryKey: ["me"] });
      void queryClient.invalidateQueries({ queryKey: ["matches"] });
    },
  });
}

export function useAccessLog() {
  const { api } = useSession();
  return useInfiniteQuery({
    queryKey: ["access-log"],
    initialPageParam: null as string | null,
    getNextPageParam: (page: Schemas["AccessLogPage"]) => page.next_cursor,
    queryFn: async ({ pageParam }) =>
      unwrap(await call(api.GET("/v1/me/access-log", { params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } } }))),
  });
}

/** The seekers a caseworker may read, page by page; the API audits each listing with the purpose. */
export function useSeekerList(purpose: string | null) {
  const { api } = useSession();
  return useInfiniteQuery({
    queryKey: ["seeker-list", purpose],
    enabled: purpose !== null,
    initialPageParam: null as string | null,
    getNextPageParam: (page: Schemas["SeekerListPage"]) => page.next_cursor,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await call(
          api.GET("/v1/seekers", {
            params: { query: { limit: 50, ...(pageParam ? { cursor: pageParam } : {}) }, header: purposeHeader(purpose) },
          }),
        ),
      ),
  });
}

export function useCandidates(postingId: number | null, purpose: string | null) {
  const { api } = useSession();
  const { apiLang } = useI18n();
  return useQuery({
    queryKey: ["candidates", postingId, purpose, apiLang],
    enabled: postingId !== null && purpose !== null,
    queryFn: async () =>
      unwrap(
        await call(
          api.GET("/v1/postings/{posting_id}/candidates", {
            params: { path: { posting_id: postingId! }, query: { lang: apiLang, limit: 20 }, header: purposeHeader(purpose) },
          }),
        ),
      ),
  });
}

export function useDemoUsers() {
  const { api } = useSession();
  return useQuery({
    queryKey: ["dev-users"],
    staleTime: Infinity,
    retry: false,
    queryFn: async () => unwrap(await call(api.GET("/v1/dev/users"))),
  });
}
