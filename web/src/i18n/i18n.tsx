import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { en, nb, type MessageKey } from "./messages";
import type { Lang } from "./vocab";

const STORAGE_KEY = "jobmatch.lang";

interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  /** The API's `lang` parameter. */
  apiLang: "no" | "en";
}

const I18nContext = createContext<I18n | null>(null);

export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

function storedLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "nb";
  } catch {
    return "nb";
  }
}

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Lang }) {
  const [lang, setLangState] = useState<Lang>(initial ?? storedLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === "nb" ? "nb" : "en";
  }, [lang]);
  const t = useCallback(
    (key: MessageKey, values?: Record<string, string | number>) => format((lang === "nb" ? nb : en)[key], values),
    [lang],
  );
  const value = useMemo(() => ({ lang, setLang, t, apiLang: lang === "nb" ? ("no" as const) : ("en" as const) }), [lang, setLang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const context = useContext(I18nContext);
  if (!context) throw new Error("useI18n outside I18nProvider");
  return context;
}
