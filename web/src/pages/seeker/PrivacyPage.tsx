import { Alert, BodyShort, Button, Heading, Link as AkselLink, Modal, VStack } from "@navikt/ds-react";
import { useMutation } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { call, unwrap } from "../../api/client";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { useSession } from "../../session";
import { SeekerGate } from "./SeekerGate";

export function PrivacyPage() {
  const [deleted, setDeleted] = useState(false);
  const { t } = useI18n();
  if (deleted) return <Alert variant="success">{t("deleted")}</Alert>;
  return <SeekerGate>{({ profile }) => <Privacy seekerId={profile.id} onDeleted={() => setDeleted(true)} />}</SeekerGate>;
}

function Privacy({ seekerId, onDeleted }: { seekerId: string; onDeleted: () => void }) {
  const { t } = useI18n();
  const { api, signOut } = useSession();
  const [confirming, setConfirming] = useState(false);
  const [download, setDownload] = useState<string | null>(null);
  useEffect(() => () => { if (download) URL.revokeObjectURL(download); }, [download]);
  const exporting = useMutation({
    mutationFn: async () => unwrap(await call(api.GET("/v1/seekers/{seeker_id}/export", { params: { path: { seeker_id: seekerId } } }))),
    onSuccess: (data) => setDownload(URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }))),
  });
  const erasing = useMutation({
    mutationFn: async () => unwrap(await call(api.DELETE("/v1/seekers/{seeker_id}", { params: { path: { seeker_id: seekerId } } }))),
    onSuccess: () => {
      setConfirming(false);
      onDeleted();
      window.setTimeout(signOut, 4000);
    },
  });
  return (
    <VStack gap="space-32">
      <Heading level="1" size="large">
        {t("privacyHeading")}
      </Heading>
      <section aria-labelledby="export-heading">
        <VStack gap="space-8" align="start">
          <Heading level="2" size="medium" id="export-heading">
            {t("exportHeading")}
          </Heading>
          <BodyShort>{t("exportIntro")}</BodyShort>
          {exporting.error ? <ProblemMessage error={exporting.error} /> : null}
          <Button variant="secondary" onClick={() => exporting.mutate()} loading={exporting.isPending}>
            {t("exportButton")}
          </Button>
          {download && (
            <BodyShort role="status">
              {t("exportReady")} <AkselLink href={download} download="jobmatch-data.json">{t("exportLink")}</AkselLink>
            </BodyShort>
          )}
        </VStack>
      </section>
      <section aria-labelledby="delete-heading">
        <VStack gap="space-8" align="start">
          <Heading level="2" size="medium" id="delete-heading">
            {t("deleteHeading")}
          </Heading>
          <BodyShort>{t("deleteIntro")}</BodyShort>
          <Button variant="danger" onClick={() => setConfirming(true)}>
            {t("deleteButton")}
          </Button>
        </VStack>
      </section>
      {confirming && (
        <Modal open onClose={() => setConfirming(false)} header={{ heading: t("deleteConfirmHeading") }} width="small">
          <Modal.Body>
            <VStack gap="space-8">
              <BodyShort>{t("deleteConfirmText")}</BodyShort>
              {erasing.error ? <ProblemMessage error={erasing.error} /> : null}
            </VStack>
          </Modal.Body>
          <Modal.Footer>
            <Button variant="danger" onClick={() => erasing.mutate()} loading={erasing.isPending}>
              {t("deleteConfirm")}
            </Button>
            <Button variant="secondary" onClick={() => setConfirming(false)}>
              {t("cancel")}
            </Button>
          </Modal.Footer>
        </Modal>
      )}
    </VStack>
  );
}
