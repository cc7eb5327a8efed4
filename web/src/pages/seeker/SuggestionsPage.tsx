import { BodyShort, Box, Button, Heading, HStack, Loader, Tag, VStack } from "@navikt/ds-react";
import { useDecideSuggestion, useSuggestions } from "../../api/queries";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { words } from "../../i18n/vocab";
import { SeekerGate } from "./SeekerGate";

export function SuggestionsPage() {
  return <SeekerGate>{({ profile }) => <Suggestions seekerId={profile.id} />}</SeekerGate>;
}

function Suggestions({ seekerId }: { seekerId: string }) {
  const { t, lang } = useI18n();
  const suggestions = useSuggestions(seekerId);
  const decide = useDecideSuggestion(seekerId);
  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">
        {t("suggestionsHeading")}
      </Heading>
      {decide.error ? <ProblemMessage error={decide.error} /> : null}
      {suggestions.isPending ? (
        <Loader title={t("loading")} />
      ) : suggestions.error ? (
        <ProblemMessage error={suggestions.error} onRetry={() => void suggestions.refetch()} />
      ) : suggestions.data.items.length === 0 ? (
        <BodyShort>{t("suggestionsEmpty")}</BodyShort>
      ) : (
        suggestions.data.items.map((suggestion) => {
          const text = words(suggestion.text, lang);
          return (
            <Box key={suggestion.id} padding="space-16" borderWidth="1" borderRadius="12">
              <VStack gap="space-8">
                <BodyShort>{text}</BodyShort>
                {suggestion.status === "pending" ? (
                  <HStack gap="space-8">
                    <Button size="small" aria-label={t("acceptLabel", { text })}
                      onClick={() => decide.mutate({ suggestionId: suggestion.id, accept: true })}>
                      {t("accept")}
                    </Button>
                    <Button size="small" variant="secondary" aria-label={t("rejectLabel", { text })}
                      onClick={() => decide.mutate({ suggestionId: suggestion.id, accept: false })}>
                      {t("reject")}
                    </Button>
                  </HStack>
                ) : (
                  <div>
                    <Tag size="small" variant="neutral">{suggestion.status}</Tag>
                  </div>
                )}
              </VStack>
            </Box>
          );
        })
      )}
    </VStack>
  );
}
