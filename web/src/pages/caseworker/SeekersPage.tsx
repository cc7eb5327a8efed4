import { BodyShort, Button, Heading, HStack, Link as AkselLink, List, TextField, VStack } from "@navikt/ds-react";
import { useEffect, useState } from "react";
import { Link, useLocation } from "wouter";
import { useDemoUsers } from "../../api/queries";
import { useI18n } from "../../i18n/i18n";
import { useSession } from "../../session";
import { usePurposes } from "./purpose";

/** The seekers a caseworker may see. The API has no list of a unit's seekers yet: development lists the demo seekers of the
 * caseworker's unit, and any seeker can be opened by id (the API decides whether it may be read). */
export function SeekersPage() {
  const { t } = useI18n();
  const { session } = useSession();
  const { forgetAll } = usePurposes();
  const demo = useDemoUsers();
  const [, navigate] = useLocation();
  const [seekerId, setSeekerId] = useState("");
  // Coming back to the list ends every visit: the next seeker needs a purpose of its own.
  useEffect(forgetAll, []);
  const mine = (demo.data?.items ?? []).filter((user) => user.role === "seeker" && user.unit === session?.unit && user.seeker_id);
  return (
    <VStack gap="space-24">
      <VStack gap="space-8">
        <Heading level="1" size="large">
          {t("caseworkerHeading")}
        </Heading>
        <BodyShort>{t("caseworkerIntro")}</BodyShort>
      </VStack>
      {mine.length > 0 && (
        <List>
          {mine.map((user) => (
            <List.Item key={user.subject}>
              <AkselLink as={Link} href={`/caseworker/seekers/${user.seeker_id}`}>
                {user.subject}: {user.title}
              </AkselLink>
            </List.Item>
          ))}
        </List>
      )}
      <form onSubmit={(event) => { event.preventDefault(); if (seekerId.trim()) navigate(`/caseworker/seekers/${seekerId.trim()}`); }}>
        <HStack gap="space-8" align="end">
          <TextField label={t("seekerId")} value={seekerId} onChange={(event) => setSeekerId(event.target.value)} />
          <Button type="submit" variant="secondary">
            {t("openSeeker")}
          </Button>
        </HStack>
      </form>
    </VStack>
  );
}
