import { BodyShort, Button, Heading, Loader, Table, VStack } from "@navikt/ds-react";
import { useAccessLog } from "../../api/queries";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { actionNames } from "../../i18n/vocab";

export function AccessLogPage() {
  const { t, lang } = useI18n();
  const log = useAccessLog();
  const entries = log.data?.pages.flatMap((page) => page.items) ?? [];
  const when = new Intl.DateTimeFormat(lang === "nb" ? "nb-NO" : "en-GB", { dateStyle: "medium", timeStyle: "short" });
  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">
        {t("accessLogHeading")}
      </Heading>
      <BodyShort>{t("accessLogIntro")}</BodyShort>
      {log.isPending ? (
        <Loader title={t("loading")} />
      ) : log.error ? (
        <ProblemMessage error={log.error} onRetry={() => void log.refetch()} />
      ) : entries.length === 0 ? (
        <BodyShort>{t("accessLogEmpty")}</BodyShort>
      ) : (
        <div className="table-scroll">
          <Table size="small">
            <caption className="visually-hidden">{t("accessLogHeading")}</caption>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell scope="col">{t("when")}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t("who")}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t("what")}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t("why")}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t("decision")}</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {entries.map((entry, index) => (
                <Table.Row key={`${entry.at}-${index}`}>
                  <Table.DataCell>{when.format(new Date(entry.at))}</Table.DataCell>
                  <Table.DataCell>
                    {entry.who} ({entry.role}{entry.units.length ? `, ${entry.units.join(", ")}` : ""})
                  </Table.DataCell>
                  <Table.DataCell>{actionNames[entry.what]?.[lang] ?? entry.what}</Table.DataCell>
                  <Table.DataCell>{entry.why ?? "–"}</Table.DataCell>
                  <Table.DataCell>
                    {t(entry.decision === "permit" ? "permit" : "deny")}
                    {entry.reason ? `: ${entry.reason}` : ""}
                  </Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </div>
      )}
      {log.hasNextPage && (
        <div>
          <Button variant="secondary" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
            {t("more")}
          </Button>
        </div>
      )}
    </VStack>
  );
}
