import { Alert, BodyShort, Button, List, VStack } from "@navikt/ds-react";
import { ProblemError } from "../api/client";
import type { MessageKey } from "../i18n/messages";
import { useI18n } from "../i18n/i18n";

const SAYS: Record<number, [MessageKey, MessageKey | null]> = {
  0: ["problemNetwork", "fixNetwork"],
  401: ["problem401", "fix401"],
  403: ["problem403", "fix403"],
  404: ["problem404", null],
  409: ["problem409", null],
  412: ["problem412", "fix412"],
  413: ["problem413", null],
  422: ["problem422", "fix422"],
  429: ["problem429", "fix429"],
  503: ["problem503", "fix503"],
};

/** Any failure, in words, with the fix where there is one and the API's own detail. */
export function ProblemMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const problem = error instanceof ProblemError ? error : new ProblemError(500, { detail: String(error) });
  const [what, fix] = SAYS[problem.status] ?? ["problem500", null];
  const fields = problem.problem.errors ?? [];
  return (
    <Alert variant={problem.status === 503 || problem.status === 429 ? "warning" : "error"} role="alert">
      <VStack gap="space-8">
        <BodyShort weight="semibold">{t(what)}</BodyShort>
        {problem.problem.detail && <BodyShort>{problem.problem.detail}</BodyShort>}
        {fields.length > 0 && (
          <List size="small">
            {fields.map((field) => (
              <List.Item key={field.loc.join(".")}>
                {field.loc.filter((part) => part !== "body").join(" › ")}: {field.msg}
              </List.Item>
            ))}
          </List>
        )}
        {fix && <BodyShort>{t(fix)}</BodyShort>}
        {onRetry && [0, 429, 503].includes(problem.status) && (
          <div>
            <Button size="small" variant="secondary" onClick={onRetry}>
              {t("retry")}
            </Button>
          </div>
        )}
      </VStack>
    </Alert>
  );
}
