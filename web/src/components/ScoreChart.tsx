import { BodyShort, Detail } from "@navikt/ds-react";
import type { Schemas } from "../api/client";
import { useI18n } from "../i18n/i18n";
import { termName } from "../i18n/vocab";
import "./ScoreChart.css";

type Term = Pick<Schemas["ComponentOut"], "name" | "contribution" | "kind" | "importance">;

export function signed(value: number): string {
  const text = Math.abs(value).toFixed(2);
  return value > 0 ? `+${text}` : value < 0 ? `−${text}` : text;
}

/** Every term of the score as a bar from a zero line: right adds, left subtracts; the total closes the chart. */
export function ScoreChart({ terms, total, id }: { terms: Term[]; total: number; id: string }) {
  const { t, lang } = useI18n();
  const largest = Math.max(0.01, Math.abs(total), ...terms.map((term) => Math.abs(term.contribution)));
  const rows = [...terms.map((term) => ({ ...term, label: termName(term.name, lang), total: false })),
    { name: "total", label: t("total"), contribution: total, kind: "total", importance: null, total: true }];
  return (
    <figure className="score-chart" aria-labelledby={`${id}-caption`}>
      <figcaption id={`${id}-caption`}>
        <Detail>{t("chartCaption")}</Detail>
      </figcaption>
      <ul className="score-chart__rows">
        {rows.map((row) => {
          const share = (Math.abs(row.contribution) / largest) * 50;
          const direction = row.contribution >= 0 ? "up" : "down";
          return (
            <li key={row.name} className={`score-chart__row${row.total ? " score-chart__row--total" : ""}`}>
              <BodyShort as="span" size="small" className="score-chart__label">
                {row.label}
              </BodyShort>
              <span className="score-chart__track" aria-hidden="true">
                <span
                  className={`score-chart__bar score-chart__bar--${row.total ? "total" : direction}`}
                  style={direction === "up" ? { left: "50%", width: `${share}%` } : { right: "50%", width: `${share}%` }}
                />
              </span>
              <BodyShort as="span" size="small" className="score-chart__value">
                {signed(row.contribution)}
              </BodyShort>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
