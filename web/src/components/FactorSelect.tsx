import { Select } from "@navikt/ds-react";
import { useI18n } from "../i18n/i18n";
import { factorNames, IMPORTANCES, importanceNames, type Importance, type StayFactor } from "../i18n/vocab";

/** One stay factor's importance; its accessible label is the factor's name. */
export function FactorSelect({ factor, value, onChange }: { factor: StayFactor; value: Importance; onChange: (level: Importance) => void }) {
  const { lang } = useI18n();
  return (
    <Select size="small" label={factorNames[factor][lang]} value={value} onChange={(event) => onChange(event.target.value as Importance)}>
      {IMPORTANCES.map((level) => (
        <option key={level} value={level}>
          {importanceNames[level][lang]}
        </option>
      ))}
    </Select>
  );
}
