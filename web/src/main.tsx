import "@navikt/ds-css/dist/global/reset.css";
import "@navikt/ds-css/dist/global/tokens.css";
import "@navikt/ds-css/dist/global/baseline.css";
import "@navikt/ds-css/dist/components.css";
import { Provider as AkselProvider } from "@navikt/ds-react";
import { en as akselEn, nb as akselNb } from "@navikt/ds-react/locales";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { ProblemError } from "./api/client";
import { App } from "./App";
import { I18nProvider, useI18n } from "./i18n/i18n";
import { SessionProvider } from "./session";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: false,
      // Refusals and bad requests are answers, not hiccups: retry only what may pass (index building, network, rate).
      retry: (failures, error) => failures < 2 && error instanceof ProblemError && [0, 429, 502, 503, 504].includes(error.status),
    },
  },
});

function Localised() {
  const { lang } = useI18n();
  return (
    <AkselProvider locale={lang === "nb" ? akselNb : akselEn}>
      <SessionProvider>
        <App />
      </SessionProvider>
    </AkselProvider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Localised />
      </I18nProvider>
    </QueryClientProvider>
  </StrictMode>,
);
