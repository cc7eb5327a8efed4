import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReactNode } from "react";
import { describe, expect, it, vi } from "vitest";
import { ProblemError } from "../api/client";
import { I18nProvider } from "../i18n/i18n";
import type { Lang } from "../i18n/vocab";
import { FactorSelect } from "./FactorSelect";
import { ProblemMessage } from "./ProblemMessage";
import { ScoreChart } from "./ScoreChart";
import { ShortList } from "./ShortList";

const wrap = (ui: ReactNode, lang: Lang = "nb") => render(<I18nProvider initial={lang}>{ui}</I18nProvider>);

describe("ScoreChart", () => {
  const terms = [
    { name: "semantic", kind: "fit", importance: null, contribution: 0.64 },
    { name: "commute", kind: "stay", importance: "high", contribution: -0.3 },
  ];

  it("shows every term, signed, and the total", () => {
    wrap(<ScoreChart id="t" terms={terms} total={0.34} />);
    const rows = within(screen.getByRole("figure")).getAllByRole("listitem");
    expect(rows.map((row) => row.textContent)).toEqual(["Likhet i tekst+0.64", "Reisevei−0.30", "Sum+0.34"]);
  });

  it("draws positive terms to the right of the zero line and negative ones to the left", () => {
    const { container } = wrap(<ScoreChart id="t" terms={terms} total={0.34} />);
    expect(container.querySelector(".score-chart__bar--up")).toHaveStyle({ left: "50%" });
    expect(container.querySelector(".score-chart__bar--down")).toHaveStyle({ right: "50%" });
  });

  it("speaks English when asked", () => {
    wrap(<ScoreChart id="t" terms={terms} total={0.34} />, "en");
    expect(screen.getByText("Commute")).toBeInTheDocument();
    expect(screen.getByText("Total")).toBeInTheDocument();
  });
});

describe("ProblemMessage", () => {
  it("says a 503 means trying again shortly", () => {
    wrap(<ProblemMessage error={new ProblemError(503, { detail: "no index yet" })} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Prøv igjen om litt.");
    expect(screen.getByRole("alert")).toHaveTextContent("no index yet");
  });

  it("lists the fields a 422 names", () => {
    wrap(<ProblemMessage error={new ProblemError(422, { errors: [{ loc: ["body", "summary"], msg: "too long", type: "x" }] })} />);
    expect(screen.getByRole("alert")).toHaveTextContent("summary: too long");
  });

  it("explains a 412 and that the typed text is kept", () => {
    wrap(<ProblemMessage error={new ProblemError(412, {})} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Det du skrev, er tatt vare på");
  });
});

describe("FactorSelect", () => {
  it("is labelled with the factor's name and offers the five levels", async () => {
    const onChange = vi.fn();
    wrap(<FactorSelect factor="commute" value="high" onChange={onChange} />);
    const select = screen.getByLabelText("Reisevei");
    expect(within(select).getAllByRole("option").map((option) => option.textContent)).toEqual(["Må", "Høy", "Middels", "Lav", "Ingen"]);
    await userEvent.selectOptions(select, "Må");
    expect(onChange).toHaveBeenCalledWith("must");
  });
});

describe("ShortList", () => {
  it("says why nothing fits and offers the API's relaxation as a what-if", async () => {
    const onRelax = vi.fn();
    const why = { no: "Ingenting passer.", en: "Nothing fits." };
    wrap(
      <ShortList
        onRelax={onRelax}
        whyShort={{
          nothing_fits: true, field_total: 12, why,
          relaxations: [{ rule: "must.commute", factor: "commute", removed: 9, adds: 7, relax_with: "importance=commute:high",
            why: { no: "Reisevei fjerner 9.", en: "Commute removes 9." } }],
        }}
      />,
    );
    expect(screen.getByRole("heading", { name: "Ingen stillinger passer nå" })).toBeInTheDocument();
    expect(screen.getByText("Reisevei fjerner 9.")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Prøv uten dette kravet (7 flere)" }));
    expect(onRelax).toHaveBeenCalledWith({ commute: "high" });
  });
});
