// Names of the API's codes, in both languages.
import type { Schemas } from "../api/client";

export type Lang = "nb" | "en";
type Named<K extends string> = Record<K, Record<Lang, string>>;

export const STAY_FACTORS = ["commute", "permanent", "extent", "work_hours", "remote", "sector", "salary"] as const;
export const IMPORTANCES = ["must", "high", "medium", "low", "none"] as const;
export type StayFactor = Schemas["StayFactor"];
export type Importance = Schemas["Importance"];

export const factorNames: Named<StayFactor> = {
  commute: { nb: "Reisevei", en: "Commute" },
  permanent: { nb: "Fast stilling", en: "Permanent position" },
  extent: { nb: "Omfang", en: "Extent" },
  work_hours: { nb: "Arbeidstid", en: "Working hours" },
  remote: { nb: "Hjemmekontor", en: "Remote work" },
  sector: { nb: "Sektor", en: "Sector" },
  salary: { nb: "Lønn", en: "Pay" },
};

export const importanceNames: Named<Importance> = {
  must: { nb: "Må", en: "Must" },
  high: { nb: "Høy", en: "High" },
  medium: { nb: "Middels", en: "Medium" },
  low: { nb: "Lav", en: "Low" },
  none: { nb: "Ingen", en: "None" },
};

export const dismissReasonNames: Named<Schemas["DismissReason"]> = {
  not_for_me: { nb: "Ikke noe for meg", en: "Not for me" },
  too_far: { nb: "For langt unna", en: "Too far away" },
  wrong_hours: { nb: "Feil arbeidstid", en: "Wrong hours" },
  wrong_extent: { nb: "Feil stillingsprosent", en: "Wrong extent" },
  not_permanent: { nb: "Ikke fast", en: "Not permanent" },
  already_applied: { nb: "Har allerede søkt", en: "Already applied" },
  expired: { nb: "Utløpt", en: "Expired" },
  other: { nb: "Annet", en: "Other" },
};

export const actionNames: Named<Schemas["Action"]> = {
  "read:profile": { nb: "Leste profilen", en: "Read the profile" },
  "read:matches": { nb: "Leste treffene", en: "Read the matches" },
  "read:explanation": { nb: "Leste en forklaring", en: "Read an explanation" },
  "list:seekers": { nb: "Så deg i listen over arbeidssøkere", en: "Saw you in the list of job seekers" },
  "create:profile": { nb: "Opprettet profilen", en: "Created the profile" },
  "admin:assignment": { nb: "Endret tildelingen", en: "Changed the assignment" },
};

const termNames: Record<string, Record<Lang, string>> = {
  semantic: { nb: "Likhet i tekst", en: "Text similarity" },
  lexical: { nb: "Felles ord", en: "Shared words" },
  skills: { nb: "Ferdigheter", en: "Skills" },
  occupation: { nb: "Yrke", en: "Occupation" },
  described_occupation: { nb: "Yrket du beskriver", en: "The work you describe" },
  described_group: { nb: "Yrkesområdet du beskriver", en: "The area of work you describe" },
  closest_occupation: { nb: "Yrket i dine beste treff", en: "The occupation of your best matches" },
  closest_group: { nb: "Yrkesområdet i dine beste treff", en: "The area of work of your best matches" },
  stay_prior: { nb: "Hvor lenge andre ble", en: "How long others stayed" },
  prior: { nb: "Hvor lenge andre ble", en: "How long others stayed" },
};

/** A score term's name: a stay factor's name, a known fit term, or the API's code. */
export function termName(name: string, lang: Lang): string {
  if (name in factorNames) return factorNames[name as StayFactor][lang];
  return termNames[name]?.[lang] ?? name.replace(/_/g, " ");
}

export function words(text: Schemas["Words"], lang: Lang): string {
  return lang === "nb" ? text.no : text.en;
}
