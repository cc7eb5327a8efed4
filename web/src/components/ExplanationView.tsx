import { Alert, BodyShort, Box, Heading, Link as AkselLink, List, Loader, VStack } from "@navikt/ds-react";
import { Link } from "wouter";
import { useExplanation, usePosting, type Overrides } from "../api/queries";
import { useI18n } from "../i18n/i18n";
import { termName, words } from "../i18n/vocab";
import { PostingPlace } from "./PostingPlace";
import { ProblemMessage } from "./ProblemMessage";
import { ScoreChart, signed } from "./ScoreChart";

/** One match explained: the chart of every term, the total, the reasons in words, or the rule that removed it. */
export function ExplanationView({ seekerId, postingId, overrides, backHref, purpose, thirdPerson = false }: {
  seekerId: string;
  postingId: number;
  overrides: Overrides;
  backHref: string;
  purpose?: string | null;
  thirdPerson?: boolean;
}) {
  const { t, lang } = useI18n();
  const explanation = useExplanation(seekerId, postingId, overrides, purpose);
  const posting = usePosting(postingId);
  return (
    <VStack gap="space-24">
      <div>
        <AkselLink as={Link} href={backHref}>
          ← {t("back")}
        </AkselLink>
      </div>
      <VStack gap="space-4">
        <Heading level="1" size="large">
          {t(thirdPerson ? "explanationHeadingThird" : "explanationHeading")}
        </Heading>
        {posting.data && (
          <BodyShort size="large">
            {posting.data.title} · {posting.data.employer?.name ?? t("unknownEmployer")} · <PostingPlace postingId={postingId} />
          </BodyShort>
        )}
      </VStack>
      {explanation.isPending ? (
        <Loader title={t("loading")} />
      ) : explanation.error ? (
        <ProblemMessage error={explanation.error} onRetry={() => void explanation.refetch()} />
      ) : (
        <>
          {explanation.data.removed_by.length > 0 && (
            <Alert variant="warning">
              <VStack gap="space-8">
                <BodyShort>{t("removedBy")}</BodyShort>
                <List size="small">
                  {explanation.data.removed_by.map((rule) => (
                    <List.Item key={rule.code}>{words(rule.why, lang)}</List.Item>
                  ))}
                </List>
              </VStack>
            </Alert>
          )}
          {explanation.data.outcome === "below_floor" && <Alert variant="info">{t("notRetrieved")}</Alert>}
          {explanation.data.removed_by.length === 0 && (
            <BodyShort>{t("fitProbability", { percent: Math.round(explanation.data.fit_probability * 100) })}</BodyShort>
          )}
          {explanation.data.score !== null && (
            <Box padding="space-16" borderWidth="1" borderRadius="12">
              <VStack gap="space-8">
                <Heading level="2" size="small">
                  {t("score")}: {signed(explanation.data.score)}
                  {explanation.data.rank !== null && ` · ${t("rank", { rank: explanation.data.rank })}`}
                </Heading>
                <ScoreChart id="explanation" terms={explanation.data.components} total={explanation.data.score} />
              </VStack>
            </Box>
          )}
          <section aria-labelledby="reasons-heading">
            <VStack gap="space-8">
              <Heading level="2" size="small" id="reasons-heading">
                {t("reasonsHeading")}
              </Heading>
              <List>
                {explanation.data.components.map((term) => (
                  <List.Item key={term.name} title={`${termName(term.name, lang)} (${signed(term.contribution)})`}>
                    {words(term.why, lang)}
                  </List.Item>
                ))}
              </List>
              {explanation.data.matched_skills.length > 0 && (
                <BodyShort>
                  {t("matchedSkills")}: {explanation.data.matched_skills.map((skill) => skill.skill).join(", ")}
                </BodyShort>
              )}
            </VStack>
          </section>
        </>
      )}
    </VStack>
  );
}
