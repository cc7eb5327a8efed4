import { Alert, BodyShort, Button, Heading, VStack } from "@navikt/ds-react";
import type { Schemas } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { words } from "../i18n/vocab";
import { parseOverrides } from "../whatIf";
import type { Overrides } from "../api/queries";

/** Why the list is short or empty, as the API says, with each relaxation it names offered as a what-if. */
export function ShortList({ whyShort, onRelax }: { whyShort: Schemas["WhyShort"]; onRelax: (overrides: Overrides) => void }) {
  const { t, lang } = useI18n();
  return (
    <Alert variant={whyShort.nothing_fits ? "warning" : "info"}>
      <VStack gap="space-8">
        <Heading level="3" size="xsmall">
          {t(whyShort.nothing_fits ? "nothingFits" : "shortList")}
        </Heading>
        <BodyShort>{words(whyShort.why, lang)}</BodyShort>
        {whyShort.relaxations.length > 0 && (
          <VStack gap="space-8" align="start">
            <BodyShort>{t("relaxIntro")}</BodyShort>
            {whyShort.relaxations.map((relaxation) => (
              <VStack key={relaxation.rule} gap="space-4" align="start">
                <BodyShort size="small">{words(relaxation.why, lang)}</BodyShort>
                <Button size="small" variant="secondary" onClick={() => onRelax(parseOverrides(relaxation.relax_with))}>
                  {t("relaxTry", { adds: relaxation.adds })}
                </Button>
              </VStack>
            ))}
          </VStack>
        )}
      </VStack>
    </Alert>
  );
}
