import { BodyShort, Button, Heading, HStack, Link as AkselLink, Loader, Table, Tag, TextField, VStack } from "@navikt/ds-react";
import { useEffect, useState } from "react";
import { Link, useLocation } from "wouter";
import { useSeekerList } from "../../api/queries";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { PurposeForm, usePurposes } from "./purpose";

/** The seekers a caseworker may read (`GET /v1/seekers`), after a purpose; any seeker can also be opened by id. */
export function SeekersPage() {
  const { t } = useI18n();
  const { forgetAll, listPurpose, stateListPurpose } = usePurposes();
  const [, navigate] = useLocation();
  const [seekerId, setSeekerId] = useState("");
  // Coming back to the list ends every visit: the next seeker needs a purpose of its own.
  useEffect(forgetAll, []);
  return (
    <VStack gap="space-24">
      <VStack gap="space-8">
        <Heading level="1" size="large">
          {t("caseworkerHeading")}
        </Heading>
        <BodyShort>{t("caseworkerIntro")}</BodyShort>
      </VStack>
      {listPurpose === null ? <PurposeForm heading="listPurposeHeading" onStated={stateListPurpose} /> : <SeekerList purpose={listPurpose} />}
      <form onSubmit={(event) => { event.preventDefault(); if (seekerId.trim()) navigate(`/caseworker/seekers/${seekerId.trim()}`); }}>
        <VStack gap="space-8">
          <Heading level="2" size="small">
            {t("openById")}
          </Heading>
          <HStack gap="space-8" align="end">
            <TextField label={t("seekerId")} value={seekerId} onChange={(event) => setSeekerId(event.target.value)} />
            <Button type="submit" variant="secondary">
              {t("openSeeker")}
            </Button>
          </HStack>
        </VStack>
      </form>
    </VStack>
  );
}

function SeekerList({ purpose }: { purpose: string }) {
  const { t, lang } = useI18n();
  const list = useSeekerList(purpose);
  const seekers = list.data?.pages.flatMap((page) => page.items) ?? [];
  const when = new Intl.DateTimeFormat(lang === "nb" ? "nb-NO" : "en-GB", { dateStyle: "medium" });
  if (list.isPending) return <Loader title={t("loading")} />;
  if (list.error) return <ProblemMessage error={list.error} onRetry={() => void list.refetch()} />;
  if (seekers.length === 0) return <BodyShort>{t("seekerListEmpty")}</BodyShort>;
  return (
    <VStack gap="space-12">
      <div>
        <Tag variant="info" size="small">{t("purposeStated", { purpose })}</Tag>
      </div>
      <div className="table-scroll">
        <Table size="small">
          <caption className="visually-hidden">{t("caseworkerHeading")}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t("seekerListHeadline")}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t("seekerListUpdated")}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t("seekerListId")}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {seekers.map((seeker) => (
              <Table.Row key={seeker.id}>
                <Table.DataCell>
                  <AkselLink as={Link} href={`/caseworker/seekers/${seeker.id}`}>
                    {seeker.headline || t("seekerListNoHeadline")}
                  </AkselLink>
                </Table.DataCell>
                <Table.DataCell>{when.format(new Date(seeker.updated_at))}</Table.DataCell>
                <Table.DataCell>
                  <code>{seeker.id}</code>
                </Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      </div>
      {list.hasNextPage && (
        <div>
          <Button variant="secondary" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t("more")}
          </Button>
        </div>
      )}
    </VStack>
  );
}
