import { BodyShort, Button, HStack, Page, ToggleGroup, VStack } from "@navikt/ds-react";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import type { MessageKey } from "../i18n/messages";
import { useI18n } from "../i18n/i18n";
import type { Lang } from "../i18n/vocab";
import { useSession } from "../session";
import "./Layout.css";

const SEEKER_LINKS: [string, MessageKey][] = [
  ["/matches", "navMatches"],
  ["/profile", "navProfile"],
  ["/suggestions", "navSuggestions"],
  ["/access-log", "navAccessLog"],
  ["/privacy", "navPrivacy"],
];
const CASEWORKER_LINKS: [string, MessageKey][] = [
  ["/caseworker", "navSeekers"],
  ["/caseworker/candidates", "navCandidates"],
];

export function Layout({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const { session, signOut } = useSession();
  const [location] = useLocation();
  const links = session?.role === "seeker" ? SEEKER_LINKS : session?.role === "caseworker" ? CASEWORKER_LINKS : [];
  return (
    <Page footer={<footer className="app-footer" />}>
      <a className="skip-link" href="#main">
        {t("skipToContent")}
      </a>
      <header className="app-header">
        <Page.Block width="xl" gutters>
          <HStack justify="space-between" align="center" gap="space-16" wrap>
            <Link href="/" className="app-header__name">
              {t("appName")}
            </Link>
            <HStack gap="space-16" align="center" wrap>
              <ToggleGroup size="small" label={t("language")} value={lang} onChange={(value) => setLang(value as Lang)}>
                <ToggleGroup.Item value="nb">Norsk</ToggleGroup.Item>
                <ToggleGroup.Item value="en">English</ToggleGroup.Item>
              </ToggleGroup>
              {session && (
                <HStack gap="space-8" align="center">
                  {session.subject && <BodyShort size="small">{session.subject}</BodyShort>}
                  <Button size="small" variant="secondary" onClick={signOut}>
                    {t("signOut")}
                  </Button>
                </HStack>
              )}
            </HStack>
          </HStack>
          {links.length > 0 && (
            <nav aria-label={t("mainMenu")} className="app-nav">
              <ul>
                {links.map(([href, key]) => {
                  const current = location === href || (href !== "/caseworker" && location.startsWith(`${href}/`));
                  return (
                    <li key={href}>
                      <Link href={href} aria-current={current ? "page" : undefined}>
                        {t(key)}
                      </Link>
                    </li>
                  );
                })}
              </ul>
            </nav>
          )}
        </Page.Block>
      </header>
      <Page.Block as="main" id="main" tabIndex={-1} width="xl" gutters>
        <VStack gap="space-24" className="app-main">
          {children}
        </VStack>
      </Page.Block>
    </Page>
  );
}
