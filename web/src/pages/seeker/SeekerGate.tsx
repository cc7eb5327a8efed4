import { Alert, Button, Loader, VStack } from "@navikt/ds-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { call, ProblemError, unwrap, type Schemas } from "../../api/client";
import { useMe } from "../../api/queries";
import { ProblemMessage } from "../../components/ProblemMessage";
import { useI18n } from "../../i18n/i18n";
import { useSession } from "../../session";

const EMPTY_PROFILE: Schemas["SeekerCreate"] = {
  summary: "", experience: [], education: [], skills: [], stay_factors: {}, use_stay_prior: true,
  wishes: { occupations: [], locations: [], engagement_types: [], remote: [], sectors: [], work_hours: [] },
  not_for_me: { occupations: [], employers: [], keywords: [] },
};

export interface OwnProfile {
  profile: Schemas["SeekerOut"];
  etag: string | null;
}

/** The signed-in seeker's profile for the page, or why it is not there. */
export function SeekerGate({ children }: { children: (own: OwnProfile) => ReactNode }) {
  const { t } = useI18n();
  const { api } = useSession();
  const me = useMe();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: async () => unwrap(await call(api.POST("/v1/seekers", { body: EMPTY_PROFILE }))),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
  if (me.isPending) return <Loader title={t("loading")} />;
  if (me.error instanceof ProblemError && me.error.status === 404) {
    return (
      <VStack gap="space-16">
        <Alert variant="info">{t("noProfile")}</Alert>
        {create.error ? <ProblemMessage error={create.error} /> : null}
        <div>
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            {t("createProfile")}
          </Button>
        </div>
      </VStack>
    );
  }
  if (me.error) return <ProblemMessage error={me.error} onRetry={() => void me.refetch()} />;
  return <>{children({ profile: me.data.data, etag: me.data.etag })}</>;
}
