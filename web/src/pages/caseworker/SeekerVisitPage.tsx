import { Alert, BodyShort, Box, Heading, Loader, Tag, VStack } from "@navikt/ds-react";
import { ProblemError } from "../../api/client";
import { useMatches, useSeeker } from "../../api/queries";
import { ExplanationView } from "../../components/ExplanationView";
import { MatchList } from "../../components/MatchList";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { PurposeForm, usePurposes } from "./purpose";

/** A caseworker's visit to one seeker: the purpose first, then the profile and matches in the third person. */
export function SeekerVisitPage({ seekerId, postingId }: { seekerId: string; postingId?: number }) {
  const { t } = useI18n();
  const { purposes, state } = usePurposes();
  const purpose = purposes[seekerId] ?? null;
  if (purpose === null) {
    return (
      <VStack gap="space-16">
        <Heading level="1" size="large">
          {t("seekerHeading")}
        </Heading>
        <PurposeForm onStated={(stated) => state(seekerId, stated)} />
      </VStack>
    );
  }
  if (postingId !== undefined) {
    return (
      <VStack gap="space-16">
        <Tag variant="info" size="small">{t("purposeStated", { purpose })}</Tag>
        <ExplanationView seekerId={seekerId} postingId={postingId} overrides={{}} purpose={purpose} thirdPerson
          backHref={`/caseworker/seekers/${seekerId}`} />
      </VStack>
    );
  }
  return <SeekerOverview seekerId={seekerId} purpose={purpose} />;
}

function SeekerOverview({ seekerId, purpose }: { seekerId: string; purpose: string }) {
  const { t } = useI18n();
  const seeker = useSeeker(seekerId, purpose);
  const matches = useMatches(seeker.data ? seekerId : undefined, {}, purpose);
  const items = matches.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <VStack gap="space-24">
      <VStack gap="space-8" align="start">
        <Heading level="1" size="large">
          {t("seekerHeading")}
        </Heading>
        <Tag variant="info" size="small">{t("purposeStated", { purpose })}</Tag>
      </VStack>
      {seeker.isPending ? (
        <Loader title={t("loading")} />
      ) : seeker.error instanceof ProblemError && [403, 404].includes(seeker.error.status) ? (
        <Alert variant="error" role="alert">
          <VStack gap="space-8">
            <BodyShort weight="semibold">{t("seekerRefused")}</BodyShort>
            <BodyShort>{t("seekerRefusedWhy")}</BodyShort>
            {seeker.error.problem.detail && <BodyShort size="small">{seeker.error.problem.detail}</BodyShort>}
          </VStack>
        </Alert>
      ) : seeker.error ? (
        <ProblemMessage error={seeker.error} onRetry={() => void seeker.refetch()} />
      ) : (
        <>
          <Box padding="space-16" borderWidth="1" borderRadius="12">
            <VStack gap="space-8">
              <Heading level="2" size="small">{t("theirSummary")}</Heading>
              <BodyShort>{seeker.data.summary || "–"}</BodyShort>
            </VStack>
          </Box>
          <section aria-labelledby="their-matches">
            <VStack gap="space-12">
              <Heading level="2" size="medium" id="their-matches">
                {t("theirMatches")}
              </Heading>
              {matches.isPending ? (
                <Loader title={t("loading")} />
              ) : matches.error ? (
                <ProblemMessage error={matches.error} onRetry={() => void matches.refetch()} />
              ) : (
                <MatchList items={items} explainHref={(item) => `/caseworker/seekers/${seekerId}/matches/${item.posting_id}`} />
              )}
            </VStack>
          </section>
        </>
      )}
    </VStack>
  );
}
