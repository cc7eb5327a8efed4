// The profile form's state and its conversion to and from the API's `SeekerIn`.
import type { Schemas } from "../../api/client";

export type SeekerIn = Schemas["SeekerIn"];

export function toSeekerIn(profile: Schemas["SeekerOut"]): SeekerIn {
  const { id: _id, created_at: _created, updated_at: _updated, ...rest } = profile;
  return rest as SeekerIn;
}

export function splitList(text: string): string[] {
  return text.split(",").map((part) => part.trim()).filter(Boolean);
}

/** Occupation codes typed as text; those the profile already had keep their system and label. */
export function occupationsFrom(text: string, before: Schemas["Occupation"][]): Schemas["Occupation"][] {
  return splitList(text).map((code) => before.find((occupation) => occupation.code === code) ?? { system: "STYRK08", code });
}

/** Places typed as text: four digits are a postal code, anything else a municipality; one distance for all. */
export function locationsFrom(text: string, maxDistanceKm: number | null): Schemas["WishedLocation"][] {
  return splitList(text).map((place) =>
    /^\d{4}$/.test(place)
      ? { postal_code: place, max_distance_km: maxDistanceKm }
      : { municipality: place, max_distance_km: maxDistanceKm },
  );
}

export function placesText(locations: Schemas["WishedLocation"][]): string {
  return locations.map((where) => where.postal_code ?? where.municipality ?? "").filter(Boolean).join(", ");
}
