import { Alert, BodyShort, Button, Heading, HGrid, HStack, Loader, VStack } from "@navikt/ds-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { call, unwrapWithTag, type Schemas } from "../../api/client";
import { useMatches, usePostEvent, useSavedPostings } from "../../api/queries";
import { DismissModal } from "../../components/DismissModal";
import { FactorSelect } from "../../components/FactorSelect";
import { MatchList } from "../../components/MatchList";
import { ProblemMessage } from "../../components/ProblemMessage";
import { ShortList } from "../../components/ShortList";
import { useI18n } from "../../i18n/i18n";
import { STAY_FACTORS } from "../../i18n/vocab";
import { useSession } from "../../session";
import { overridesSearch, useWhatIf } from "../../whatIf";
import { SeekerGate, type OwnProfile } from "./SeekerGate";

export function MatchesPage() {
  return <SeekerGate>{(own) => <Matches own={own} />}</SeekerGate>;
}

function Matches({ own }: { own: OwnProfile }) {
  const { t } = useI18n();
  const { api } = useSession();
  const queryClient = useQueryClient();
  const seekerId = own.profile.id;
  const levels = own.profile.stay_factors ?? {};
  const whatIf = useWhatIf(levels);
  const matches = useMatches(seekerId, whatIf.overrides);
  const saved = useSavedPostings(seekerId);
  const postEvent = usePostEvent(seekerId);
  const [dismissing, setDismissing] = useState<Schemas["MatchItem"] | null>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const keepWhatIf = useMutation({
    mutationFn: async () =>
      unwrapWithTag(
        await call(
          api.PATCH("/v1/seekers/{seeker_id}", {
            params: { path: { seeker_id: seekerId } },
            body: { stay_factors: { ...levels, ...whatIf.overrides } },
            headers: own.etag ? { "If-Match": own.etag } : {},
          }),
        ),
      ),
    onSuccess: (savedProfile) => {
      queryClient.setQueryData(["me"], savedProfile);
      whatIf.reset();
      setAnnouncement(t("whatIfSaved"));
    },
  });

  const pages = matches.data?.pages ?? [];
  const items = pages.flatMap((page) => page.items);
  const first = pages[0];
  const explainHref = (item: Schemas["MatchItem"]) => `/matches/${item.posting_id}${overridesSearch(whatIf.overrides)}`;

  return (
    <VStack gap="space-24">
      <VStack gap="space-8">
        <Heading level="1" size="large">
          {t("matchesHeading")}
        </Heading>
        <BodyShort>{t("matchesIntro")}</BodyShort>
      </VStack>
      <section aria-labelledby="importance-heading">
        <VStack gap="space-12">
          <Heading level="2" size="small" id="importance-heading">
            {t("importanceHeading")}
          </Heading>
          <HGrid columns={{ xs: 2, sm: 4, lg: 7 }} gap="space-12">
            {STAY_FACTORS.map((factor) => (
              <FactorSelect key={factor} factor={factor} value={whatIf.overrides[factor] ?? levels[factor] ?? "none"}
                onChange={(level) => whatIf.setLevel(factor, level)} />
            ))}
          </HGrid>
          {whatIf.active && (
            <Alert variant="info" role="status">
              <VStack gap="space-8">
                <BodyShort>{t("whatIfNotice")}</BodyShort>
                <HStack gap="space-8">
                  <Button size="small" onClick={() => keepWhatIf.mutate()} loading={keepWhatIf.isPending}>
                    {t("whatIfSave")}
                  </Button>
                  <Button size="small" variant="secondary" onClick={whatIf.reset}>
                    {t("whatIfReset")}
                  </Button>
                </HStack>
              </VStack>
            </Alert>
          )}
          {keepWhatIf.error ? <ProblemMessage error={keepWhatIf.error} /> : null}
        </VStack>
      </section>
      <div aria-live="polite">{announcement && <Alert variant="success" size="small">{announcement}</Alert>}</div>
      {postEvent.error && !dismissing ? <ProblemMessage error={postEvent.error} /> : null}
      {matches.isPending ? (
        <Loader title={t("loading")} />
      ) : matches.error ? (
        <ProblemMessage error={matches.error} onRetry={() => void matches.refetch()} />
      ) : (
        <section aria-labelledby="list-heading" aria-busy={matches.isFetching}>
          <VStack gap="space-16">
            <Heading level="2" size="small" id="list-heading">
              {t("matchCount", { count: first?.total ?? 0 })}
            </Heading>
            {first?.why_short && <ShortList whyShort={first.why_short} onRelax={whatIf.apply} />}
            <MatchList
              items={items}
              explainHref={explainHref}
              actions={{
                saved: saved.data ?? new Set(),
                onSave: (item) => postEvent.mutate({ posting_id: item.posting_id, kind: "saved" }),
                onDismiss: (item) => {
                  postEvent.reset();
                  setDismissing(item);
                },
              }}
            />
            {matches.hasNextPage && (
              <div>
                <Button variant="secondary" onClick={() => void matches.fetchNextPage()} loading={matches.isFetchingNextPage}>
                  {t("more")}
                </Button>
              </div>
            )}
            {first && first.below_floor.length > 0 && (
              <section aria-labelledby="below-floor-heading">
                <VStack gap="space-12">
                  <Heading level="2" size="small" id="below-floor-heading">
                    {t("belowFloor")}
                  </Heading>
                  <BodyShort>{t("belowFloorIntro")}</BodyShort>
                  <MatchList items={first.below_floor} explainHref={explainHref} label={t("belowFloor")} />
                </VStack>
              </section>
            )}
          </VStack>
        </section>
      )}
      {dismissing && (
        <DismissModal
          title={dismissing.title}
          pending={postEvent.isPending}
          error={postEvent.error}
          onClose={() => setDismissing(null)}
          onDismiss={(reason, note) =>
            postEvent.mutate(
              { posting_id: dismissing.posting_id, kind: "dismissed", reason, note },
              {
                onSuccess: () => {
                  setAnnouncement(t("dismissed", { title: dismissing.title }));
                  setDismissing(null);
                },
              },
            )
          }
        />
      )}
    </VStack>
  );
}
