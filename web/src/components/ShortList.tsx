import { Alert, BodyShort, Button, Heading, VStack } from "@navikt/ds-react";
import type { Schemas } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { factorNames, STAY_FACTORS, type Importance, type StayFactor } from "../i18n/vocab";

const SHORT = 5;

/** When few or no postings fit: say so, and offer to relax each `must` as a what-if. */
export function ShortList({ page, levels, onRelax }: {
  page: Schemas["MatchPage"];
  levels: Partial<Record<StayFactor, Importance>>;
  onRelax: (factor: StayFactor, level: Importance) => void;
}) {
  const { t, lang } = useI18n();
  if (page.total >= SHORT) return null;
  const musts = STAY_FACTORS.filter((factor) => levels[factor] === "must");
  return (
    <Alert variant={page.total === 0 ? "warning" : "info"}>
      <VStack gap="space-8">
        <Heading level="3" size="xsmall">
          {t(page.total === 0 ? "nothingFits" : "shortList")}
        </Heading>
        {musts.length > 0 && (
          <>
            <BodyShort>{t("relaxIntro")}</BodyShort>
            <VStack gap="space-8" align="start">
              {musts.map((factor) => (
                <Button key={factor} size="small" variant="secondary" onClick={() => onRelax(factor, "high")}>
                  {t("relaxOne", { factor: factorNames[factor][lang] })}
                </Button>
              ))}
            </VStack>
          </>
        )}
      </VStack>
    </Alert>
  );
}
