import { Button, Modal, Radio, RadioGroup, Textarea, VStack } from "@navikt/ds-react";
import { useState } from "react";
import type { Schemas } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { dismissReasonNames } from "../i18n/vocab";
import { ProblemMessage } from "./ProblemMessage";

type Reason = Schemas["DismissReason"];
const REASONS = Object.keys(dismissReasonNames) as Reason[];

export function DismissModal({ title, onDismiss, onClose, error, pending }: {
  title: string;
  onDismiss: (reason: Reason, note: string | null) => void;
  onClose: () => void;
  error: unknown;
  pending: boolean;
}) {
  const { t, lang } = useI18n();
  const [reason, setReason] = useState<Reason>("not_for_me");
  const [note, setNote] = useState("");
  const noteMissing = reason === "other" && note.trim().length === 0;
  return (
    <Modal open onClose={onClose} header={{ heading: t("dismissHeading"), label: title }} width="small">
      <Modal.Body>
        <VStack gap="space-16">
          <RadioGroup legend={t("dismissReason")} value={reason} onChange={(value: Reason) => setReason(value)}>
            {REASONS.map((code) => (
              <Radio key={code} value={code}>
                {dismissReasonNames[code][lang]}
              </Radio>
            ))}
          </RadioGroup>
          <Textarea label={t("dismissNote")} value={note} maxLength={500} onChange={(event) => setNote(event.target.value)} />
          {error ? <ProblemMessage error={error} /> : null}
        </VStack>
      </Modal.Body>
      <Modal.Footer>
        <Button loading={pending} disabled={noteMissing} onClick={() => onDismiss(reason, note.trim() || null)}>
          {t("dismissConfirm")}
        </Button>
        <Button variant="secondary" onClick={onClose}>
          {t("cancel")}
        </Button>
      </Modal.Footer>
    </Modal>
  );
}
