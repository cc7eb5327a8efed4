import { describe, expect, it } from "vitest";
import { importanceParams } from "./api/queries";
import { locationsFrom, occupationsFrom } from "./pages/seeker/profileForm";
import { overridesSearch, parseOverrides } from "./whatIf";

describe("what-if in the address", () => {
  it("round-trips and ignores what the API would refuse", () => {
    expect(parseOverrides("?importance=commute:must&importance=salary:none&importance=colour:high&importance=sector:maybe"))
      .toEqual({ commute: "must", salary: "none" });
    expect(overridesSearch({ commute: "must" })).toBe("?importance=commute%3Amust");
    expect(parseOverrides(overridesSearch({ commute: "must", remote: "low" }))).toEqual({ commute: "must", remote: "low" });
  });

  it("sends importances in a stable order", () => {
    expect(importanceParams({ salary: "none", commute: "must" })).toEqual(["commute:must", "salary:none"]);
  });
});

describe("the profile form", () => {
  it("keeps known occupations and reads new codes as STYRK-08", () => {
    const before = [{ system: "STYRK08" as const, code: "2223", label: "Sykepleiere" }];
    expect(occupationsFrom("2223, 5322", before)).toEqual([before[0], { system: "STYRK08", code: "5322" }]);
  });

  it("reads four digits as a postal code and anything else as a municipality", () => {
    expect(locationsFrom("5020, Bergen", 25)).toEqual([
      { postal_code: "5020", max_distance_km: 25 },
      { municipality: "Bergen", max_distance_km: 25 },
    ]);
  });
});
