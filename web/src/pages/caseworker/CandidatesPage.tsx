import { BodyShort, Box, Button, Heading, HStack, Link as AkselLink, List, Loader, TextField, VStack } from "@navikt/ds-react";
import { useState } from "react";
import { Link } from "wouter";
import { useCandidates } from "../../api/queries";
import { ProblemMessage } from "../../components/ProblemMessage";
import { ScoreChart } from "../../components/ScoreChart";
import { useI18n } from "../../i18n/i18n";
import { PurposeForm } from "./purpose";

export function CandidatesPage() {
  const { t } = useI18n();
  const [typed, setTyped] = useState("");
  const [postingId, setPostingId] = useState<number | null>(null);
  const [purpose, setPurpose] = useState<string | null>(null);
  const candidates = useCandidates(postingId, purpose);
  return (
    <VStack gap="space-24">
      <Heading level="1" size="large">
        {t("candidatesHeading")}
      </Heading>
      <form onSubmit={(event) => { event.preventDefault(); const id = Number(typed); if (Number.isInteger(id) && id > 0) setPostingId(id); }}>
        <HStack gap="space-8" align="end">
          <TextField label={t("postingId")} inputMode="numeric" value={typed} onChange={(event) => setTyped(event.target.value)} />
          <Button type="submit" variant="secondary">{t("findCandidates")}</Button>
        </HStack>
      </form>
      {postingId !== null && purpose === null && <PurposeForm onStated={setPurpose} />}
      {postingId !== null && purpose !== null && (
        candidates.isPending ? <Loader title={t("loading")} /> : candidates.error ? (
          <ProblemMessage error={candidates.error} onRetry={() => void candidates.refetch()} />
        ) : candidates.data.items.length === 0 ? (
          <BodyShort>{t("candidatesEmpty")}</BodyShort>
        ) : (
          <ol className="match-list">
            {candidates.data.items.map((candidate) => (
              <li key={candidate.seeker_id}>
                <Box padding="space-16" borderWidth="1" borderRadius="12">
                  <VStack gap="space-8">
                    <Heading level="2" size="small">
                      <AkselLink as={Link} href={`/caseworker/seekers/${candidate.seeker_id}`}>{t("candidate", { rank: candidate.rank })}</AkselLink>
                    </Heading>
                    <List size="small">
                      {candidate.summary_reasons.map((reason) => <List.Item key={reason}>{reason}</List.Item>)}
                    </List>
                    <ScoreChart id={`candidate-${candidate.rank}`} terms={candidate.components} total={candidate.score} />
                  </VStack>
                </Box>
              </li>
            ))}
          </ol>
        )
      )}
    </VStack>
  );
}
