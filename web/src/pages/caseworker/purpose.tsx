// A caseworker states the purpose once per seeker visit; it rides along as `X-Purpose` until they leave that seeker.
// Listing the seekers is a look at each of them too: it has a purpose of its own, kept until they sign out.
import { BodyShort, Button, Heading, TextField, VStack } from "@navikt/ds-react";
import { createContext, useContext, useState, type ReactNode } from "react";
import { useI18n } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";

interface Purposes {
  purposes: Record<string, string>;
  state: (seekerId: string, purpose: string) => void;
  /** Ends every seeker visit; the list's purpose stays. */
  forgetAll: () => void;
  listPurpose: string | null;
  stateListPurpose: (purpose: string) => void;
}

const PurposeContext = createContext<Purposes | null>(null);

export function PurposeProvider({ children }: { children: ReactNode }) {
  const [purposes, setPurposes] = useState<Record<string, string>>({});
  const [listPurpose, setListPurpose] = useState<string | null>(null);
  const value: Purposes = {
    purposes,
    state: (seekerId, purpose) => setPurposes((before) => ({ ...before, [seekerId]: purpose })),
    forgetAll: () => setPurposes({}),
    listPurpose,
    stateListPurpose: setListPurpose,
  };
  return <PurposeContext.Provider value={value}>{children}</PurposeContext.Provider>;
}

export function usePurposes(): Purposes {
  const context = useContext(PurposeContext);
  if (!context) throw new Error("usePurposes outside PurposeProvider");
  return context;
}

export function PurposeForm({ onStated, heading = "purposeHeading" }: { onStated: (purpose: string) => void; heading?: MessageKey }) {
  const { t } = useI18n();
  const [purpose, setPurpose] = useState("");
  const [error, setError] = useState<string | undefined>();
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const cleaned = purpose.trim();
        if (cleaned.length < 3) {
          setError(t("problem422"));
          return;
        }
        onStated(cleaned);
      }}
    >
      <VStack gap="space-12" align="start">
        <Heading level="2" size="medium">
          {t(heading)}
        </Heading>
        <BodyShort>{t("purposeIntro")}</BodyShort>
        <TextField label={t("purpose")} value={purpose} maxLength={200} error={error}
          onChange={(event) => { setPurpose(event.target.value); setError(undefined); }} />
        <Button type="submit">{t("purposeContinue")}</Button>
      </VStack>
    </form>
  );
}
