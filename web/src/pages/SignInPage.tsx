import { BodyShort, Button, Heading, HGrid, Loader, VStack } from "@navikt/ds-react";
import { useEffect, useState } from "react";
import { call, ProblemError } from "../api/client";
import { useDemoUsers } from "../api/queries";
import { ProblemMessage } from "../components/ProblemMessage";
import { useI18n } from "../i18n/i18n";
import { useSession, type DemoUser } from "../session";

/** Development: the demo users. Production: the proxy's login. */
export function SignInPage() {
  const { t } = useI18n();
  const users = useDemoUsers();
  if (users.isPending) return <Loader title={t("loading")} />;
  if (users.error instanceof ProblemError && users.error.status === 404) return <ProxySignIn />;
  if (users.error) return <ProblemMessage error={users.error} onRetry={() => void users.refetch()} />;
  return <DemoSignIn users={users.data.items} />;
}

/** Behind the authenticating proxy the token is already on every call: ask the API who this is. */
function ProxySignIn() {
  const { t } = useI18n();
  const { api, adopt } = useSession();
  const [checked, setChecked] = useState(false);
  useEffect(() => {
    void (async () => {
      try {
        const answer = await call(api.GET("/v1/me"));
        if (answer.response.ok || answer.response.status === 404) adopt("seeker");
        else if (answer.response.status === 403) adopt("caseworker");
      } catch {
        // no answer: offer the login below
      }
      setChecked(true);
    })();
  }, [api, adopt]);
  if (!checked) return <Loader title={t("loading")} />;
  return (
    <VStack gap="space-16">
      <Heading level="1" size="large">
        {t("signInHeading")}
      </Heading>
      <BodyShort>{t("signInProduction")}</BodyShort>
      <div>
        <Button as="a" href={`/oauth2/login?redirect=${encodeURIComponent(window.location.pathname)}`}>
          {t("signInButton")}
        </Button>
      </div>
    </VStack>
  );
}

function DemoSignIn({ users }: { users: DemoUser[] }) {
  const { t } = useI18n();
  const { signInAsDemo } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const signIn = async (subject: string) => {
    setBusy(subject);
    setError(null);
    try {
      await signInAsDemo(subject);
    } catch (failure) {
      setError(failure);
      setBusy(null);
    }
  };
  const group = (role: DemoUser["role"], heading: string) => (
    <section aria-labelledby={`${role}-heading`}>
      <VStack gap="space-12">
        <Heading level="2" size="medium" id={`${role}-heading`}>
          {heading}
        </Heading>
        <HGrid columns={{ xs: 1, sm: 2, md: 3 }} gap="space-12">
          {users
            .filter((user) => user.role === role)
            .map((user) => (
              <Button key={user.subject} variant="secondary" loading={busy === user.subject} onClick={() => void signIn(user.subject)}
                aria-label={t("signInAs", { name: user.subject })}>
                <span className="demo-user">
                  <strong>{user.subject}</strong>
                  <span>{user.title}</span>
                  <span>
                    {user.place}, {t("unit", { unit: user.unit })}
                  </span>
                </span>
              </Button>
            ))}
        </HGrid>
      </VStack>
    </section>
  );
  return (
    <VStack gap="space-24">
      <VStack gap="space-8">
        <Heading level="1" size="large">
          {t("signInHeading")}
        </Heading>
        <BodyShort>{t("signInIntro")}</BodyShort>
      </VStack>
      {error ? <ProblemMessage error={error} /> : null}
      {group("seeker", t("seekers"))}
      {group("caseworker", t("caseworkers"))}
    </VStack>
  );
}
