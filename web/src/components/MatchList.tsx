import { BodyShort, Box, Button, Detail, Heading, HStack, Link as AkselLink, List, Tag, VStack } from "@navikt/ds-react";
import { Link } from "wouter";
import type { Schemas } from "../api/client";
import type { MessageKey } from "../i18n/messages";
import { useI18n } from "../i18n/i18n";
type Item = Schemas["MatchItem"];

const FIT: Record<Item["fit"], { key: MessageKey; variant: "success" | "info" | "neutral" }> = {
  strong: { key: "fitStrong", variant: "success" },
  possible: { key: "fitPossible", variant: "info" },
  below_floor: { key: "fitBelowFloor", variant: "neutral" },
};

export interface SeekerActions {
  saved: Set<number>;
  onSave: (item: Item) => void;
  onDismiss: (item: Item) => void;
}

/** Matches in the API's order: title, employer, place, the summary reasons; the seeker's own actions when given. */
export function MatchList({ items, explainHref, actions, label, headingLevel = "3" }: {
  items: Item[];
  explainHref: (item: Item) => string;
  actions?: SeekerActions;
  label?: string;
  headingLevel?: "2" | "3";
}) {
  const { t } = useI18n();
  if (items.length === 0) return null;
  return (
    <ol className="match-list" aria-label={label ?? t("navMatches")}>
      {items.map((item) => {
        const headingId = `match-${item.posting_id}`;
        const saved = actions?.saved.has(item.posting_id) ?? false;
        return (
          <li key={item.posting_id}>
            <Box as="article" aria-labelledby={headingId} padding="space-16" borderWidth="1" borderRadius="12">
              <VStack gap="space-8">
                <HStack justify="space-between" align="start" gap="space-8" wrap={false}>
                  <Heading level={headingLevel} size="small" id={headingId}>
                    {item.title}
                  </Heading>
                  {item.fit !== "below_floor" && <Detail>{t("rank", { rank: item.rank })}</Detail>}
                </HStack>
                <BodyShort>
                  {item.employer ?? t("unknownEmployer")} · {item.place ?? t("unknownPlace")}
                </BodyShort>
                <HStack gap="space-8" align="center">
                  <Tag size="xsmall" variant={FIT[item.fit].variant}>
                    {t(FIT[item.fit].key)}
                  </Tag>
                  <Detail>{t("fitProbability", { percent: Math.round(item.fit_probability * 100) })}</Detail>
                </HStack>
                {item.summary_reasons.length > 0 && (
                  <List size="small">
                    {item.summary_reasons.map((reason) => (
                      <List.Item key={reason}>{reason}</List.Item>
                    ))}
                  </List>
                )}
                <HStack gap="space-8" align="center" wrap>
                  <AkselLink as={Link} href={explainHref(item)}>
                    {t("explain")}
                  </AkselLink>
                  {actions && (
                    <>
                      {saved ? (
                        <Tag variant="success" size="small">
                          {t("saved")}
                        </Tag>
                      ) : (
                        <Button size="small" variant="secondary" onClick={() => actions.onSave(item)}>
                          {t("save")}
                        </Button>
                      )}
                      <Button size="small" variant="tertiary" onClick={() => actions.onDismiss(item)}>
                        {t("dismiss")}
                      </Button>
                    </>
                  )}
                </HStack>
              </VStack>
            </Box>
          </li>
        );
      })}
    </ol>
  );
}
