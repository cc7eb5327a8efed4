// The what-if lives in the address (`?importance=commute:must`), so the explanation of a posting uses the same one.
import { useCallback, useMemo } from "react";
import { useLocation, useSearch } from "wouter";
import type { Overrides } from "./api/queries";
import { IMPORTANCES, STAY_FACTORS, type Importance, type StayFactor } from "./i18n/vocab";

export function parseOverrides(search: string): Overrides {
  const overrides: Overrides = {};
  for (const value of new URLSearchParams(search).getAll("importance")) {
    const [factor, level] = value.split(":");
    if (STAY_FACTORS.includes(factor as StayFactor) && IMPORTANCES.includes(level as Importance)) {
      overrides[factor as StayFactor] = level as Importance;
    }
  }
  return overrides;
}

export function overridesSearch(overrides: Overrides): string {
  const params = new URLSearchParams();
  for (const [factor, level] of Object.entries(overrides)) params.append("importance", `${factor}:${level}`);
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** Overrides that differ from the profile: a what-if; the same level as the profile is no override. */
export function useWhatIf(profile: Partial<Record<StayFactor, Importance>>) {
  const search = useSearch();
  const [location, navigate] = useLocation();
  const overrides = useMemo(() => parseOverrides(search), [search]);
  const setLevel = useCallback(
    (factor: StayFactor, level: Importance) => {
      const next: Overrides = { ...overrides };
      if ((profile[factor] ?? "none") === level) delete next[factor];
      else next[factor] = level;
      navigate(`${location}${overridesSearch(next)}`, { replace: true });
    },
    [overrides, profile, location, navigate],
  );
  const apply = useCallback(
    (more: Overrides) => navigate(`${location}${overridesSearch({ ...overrides, ...more })}`, { replace: true }),
    [overrides, location, navigate],
  );
  const reset = useCallback(() => navigate(location, { replace: true }), [location, navigate]);
  return { overrides, setLevel, apply, reset, active: Object.keys(overrides).length > 0 };
}
