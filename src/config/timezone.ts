/**
 * @module config/timezone
 * IANA time zone names: validity as the runtime's Intl knows them, and a suggestion for a typo.
 */
import { z } from "zod";
import { closest } from "./suggest.js";

/** True when `name` is a time zone this runtime can evaluate (e.g. "Europe/Paris", "UTC"). */
export function isValidTimeZone(name: string): boolean {
  if (name.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

let known: string[] | null = null;

/** The closest known time zone name to `name`, or null. */
export function suggestTimeZone(name: string): string | null {
  known ??= ["UTC", ...Intl.supportedValuesOf("timeZone")];
  const direct = closest(name, known);
  if (direct !== null) return direct;
  // "Paris" -> "Europe/Paris": compare with the city part alone.
  const city = name.replace(/\s+/g, "_").toLowerCase();
  return known.find((z) => z.split("/").pop()?.toLowerCase() === city) ?? null;
}

/** A time zone field of kairos.yaml: an IANA name, or an issue with a "did you mean". */
export const TimeZoneSchema = z.string().superRefine((value, ctx) => {
  if (isValidTimeZone(value)) return;
  const match = suggestTimeZone(value);
  ctx.addIssue({
    code: "custom",
    message: `unknown time zone ${JSON.stringify(value)}; expected an IANA name such as "Europe/Paris" or "UTC"`,
    input: value,
    params: match === null ? {} : { suggestion: `did you mean ${JSON.stringify(match)}?` },
  });
});
