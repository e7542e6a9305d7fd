/**
 * @module core/cron/fields
 * The cron syntax Kairos accepts, parsed into sets of values per field. It is Vixie cron's
 * syntax (what Kubernetes CronJobs accept too): 5 fields `minute hour day-of-month month
 * day-of-week`, or 6 with leading seconds, or a nickname (`@yearly` `@annually` `@monthly`
 * `@weekly` `@daily` `@midnight` `@hourly`). Each field is a list of items: `*`, `n`, `a-b`,
 * with an optional step `/s` (`*\/s`, `a-b/s`, and `a/s` meaning `a-max/s`). Months accept
 * JAN-DEC, days of the week SUN-SAT, and 0 or 7 for Sunday; `?` may replace `*` as the whole
 * day-of-month or day-of-week field. Quartz extensions (`L`, `W`, `#`, a year field) are
 * rejected with a message, so every expression means the same here as in a Kubernetes export.
 *
 * Every error is a CronError naming the field, the bad value and the allowed range.
 */
import { CronError, type CronField } from "./cron-error.js";

/** One parsed field: its values (sorted, unique) and whether it was written `*` or `?`. */
export interface ParsedField {
  /** The field as written (after nickname expansion). */
  readonly text: string;
  /** Every value the field matches, ascending; day-of-week uses 0-6 with 0 = Sunday. */
  readonly values: readonly number[];
  /** True when the field is exactly `*` or `?` (matters for the day-of-month/day-of-week OR). */
  readonly star: boolean;
}

/** A syntactically valid cron expression, field by field. */
export interface ParsedFields {
  /** The expression as given. */
  readonly expression: string;
  /** The 5 or 6 fields as written, nicknames expanded (what an explanation describes). */
  readonly texts: readonly string[];
  /** True when the expression has a leading seconds field. */
  readonly hasSeconds: boolean;
  readonly second: ParsedField;
  readonly minute: ParsedField;
  readonly hour: ParsedField;
  readonly dayOfMonth: ParsedField;
  readonly month: ParsedField;
  readonly dayOfWeek: ParsedField;
}

interface FieldSpec {
  readonly field: CronField;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Names for values `nameBase`, `nameBase + 1`, ... */
  readonly names?: readonly string[];
  readonly nameBase?: number;
  /** What an interval schedule would look like for this unit (for step suggestions). */
  readonly unit?: string;
}

const MONTH_NAMES = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const SPECS: Record<CronField, FieldSpec> = {
  second: { field: "second", label: "second", min: 0, max: 59, unit: "s" },
  minute: { field: "minute", label: "minute", min: 0, max: 59, unit: "m" },
  hour: { field: "hour", label: "hour", min: 0, max: 23, unit: "h" },
  dayOfMonth: { field: "dayOfMonth", label: "day-of-month", min: 1, max: 31, unit: "d" },
  month: { field: "month", label: "month", min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  dayOfWeek: {
    field: "dayOfWeek",
    label: "day-of-week",
    min: 0,
    max: 7,
    names: DAY_NAMES,
    nameBase: 0,
  },
};

/** The nicknames Kairos accepts and the 5-field expression each stands for. */
export const CRON_NICKNAMES: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const FIVE_FIELDS = "minute hour day-of-month month day-of-week";

/**
 * Parse the syntax of a cron expression. Guarantees: the result has every field as a
 * non-empty set within its range; throws CronError (field, value, range, suggestion) otherwise.
 * Does not check that the expression can fire (see `parseCron`).
 */
export function parseCronFields(expression: string): ParsedFields {
  if (typeof expression !== "string") {
    throw new CronError(`cron expression must be a string, got ${typeof expression}`, {
      expression: String(expression),
    });
  }
  const trimmed = expression.trim();
  if (trimmed === "") {
    throw new CronError("cron expression is empty", {
      expression,
      suggestion: `write 5 fields (${FIVE_FIELDS}), e.g. "0 9 * * 1-5"`,
    });
  }
  const texts = trimmed.startsWith("@")
    ? expandNickname(trimmed, expression)
    : trimmed.split(/\s+/);
  if (texts.length === 7) {
    throw new CronError(`cron "${expression}" has 7 fields`, {
      expression,
      suggestion: "remove the year field; Kairos takes 5 fields, or 6 with leading seconds",
    });
  }
  if (texts.length !== 5 && texts.length !== 6) {
    throw new CronError(
      `cron "${expression}" has ${texts.length} field${texts.length === 1 ? "" : "s"}`,
      {
        expression,
        suggestion: `Kairos takes 5 fields (${FIVE_FIELDS}), or 6 with leading seconds`,
      },
    );
  }
  const hasSeconds = texts.length === 6;
  const [s, mi, h, dom, mo, dow] = hasSeconds ? texts : ["0", ...texts];
  const parse = (field: CronField, text: string | undefined): ParsedField =>
    parseField(SPECS[field], text ?? "", expression);
  return {
    expression,
    texts,
    hasSeconds,
    second: parse("second", s),
    minute: parse("minute", mi),
    hour: parse("hour", h),
    dayOfMonth: parse("dayOfMonth", dom),
    month: parse("month", mo),
    dayOfWeek: parse("dayOfWeek", dow),
  };
}

function expandNickname(trimmed: string, expression: string): string[] {
  const [nick, ...rest] = trimmed.split(/\s+/);
  const name = (nick ?? "").toLowerCase();
  if (name === "@every") {
    throw new CronError(`"${trimmed}" is not a cron expression`, {
      expression,
      suggestion: `use an interval schedule instead (every: "${rest.join(" ") || "5m"}")`,
    });
  }
  if (name === "@reboot") {
    throw new CronError(`"@reboot" is not supported`, {
      expression,
      suggestion:
        "a durable scheduler has no boot to run at; use a one-shot (at) schedule or run it at startup",
    });
  }
  const five = CRON_NICKNAMES[name];
  if (five === undefined) {
    throw new CronError(`unknown cron nickname "${nick ?? ""}"`, {
      expression,
      suggestion: `use one of ${Object.keys(CRON_NICKNAMES).join(" ")}, or 5 fields (${FIVE_FIELDS})`,
    });
  }
  if (rest.length > 0) {
    throw new CronError(
      `cron nickname "${nick ?? ""}" takes no fields after it, got "${rest.join(" ")}"`,
      {
        expression,
      },
    );
  }
  return five.split(" ");
}

function parseField(spec: FieldSpec, text: string, expression: string): ParsedField {
  const where = `${spec.label} field "${text}"`;
  const fail = (problem: string, suggestion?: string): never => {
    throw new CronError(`${problem} in "${expression}"`, {
      expression,
      field: spec.field,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  };
  const isDayField = spec.field === "dayOfMonth" || spec.field === "dayOfWeek";
  // "*" and "a/s" run to 6 for day-of-week (7 is only Sunday written explicitly), as in croner.
  const implicitMax = spec.field === "dayOfWeek" ? 6 : spec.max;
  if (text === "*" || (text === "?" && isDayField)) {
    return { text, values: range(spec.min, implicitMax), star: true };
  }
  if (text.includes("?")) {
    fail(
      `${where} uses "?"`,
      isDayField
        ? `"?" must be the whole field, meaning "*"`
        : `"?" is only allowed as a whole day-of-month or day-of-week field; use "*"`,
    );
  }
  // Quartz's L (last), W (nearest weekday) and # (nth weekday); "JUL" or "WED" are names, not these.
  const unsupported = /#|(?:^|[^a-z])\d*(LW|L|W)(?![a-z])/i.exec(text);
  if (unsupported !== null) {
    fail(
      `${where} uses "${unsupported[1] ?? "#"}", which Kairos does not support`,
      'Kairos accepts numbers, names, "*", ranges a-b, steps */s or a-b/s, and lists a,b; for the last day of a month use an interval or an explicit list of days',
    );
  }
  const values = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") fail(`${where} has an empty list item`, "remove the extra comma");
    const slash = item.split("/");
    if (slash.length > 2) fail(`${where}: "${item}" has more than one "/"`);
    const [base = "", stepText] = slash;
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText)) fail(`${where}: step "${stepText}" is not a whole number`);
      step = Number(stepText);
      if (step < 1) fail(`${where}: step ${step} must be at least 1`);
      if (step > spec.max - spec.min) {
        fail(
          `${where}: step ${step} is larger than the ${spec.label} range ${spec.min}-${spec.max}`,
          spec.unit === undefined
            ? `use a step of at most ${spec.max - spec.min}`
            : `to run every ${step}${spec.unit}, use an interval schedule (every: "${step}${spec.unit}")`,
        );
      }
    }
    let lo: number;
    let hi: number;
    if (base === "*") {
      lo = spec.min;
      hi = implicitMax;
    } else {
      const dash = base.split("-");
      if (dash.length > 2 || dash.some((d) => d === ""))
        fail(`${where}: "${item}" is not a value or a range a-b`);
      lo = value(spec, dash[0] ?? "", where, fail);
      hi =
        dash.length === 2
          ? value(spec, dash[1] ?? "", where, fail)
          : stepText === undefined
            ? lo
            : implicitMax;
      if (spec.field === "dayOfWeek" && dash.length === 2 && hi === 0 && lo > 0) hi = 7;
      if (lo > hi) {
        fail(
          `${where}: range ${dash[0] ?? ""}-${dash[1] ?? ""} runs backwards`,
          `write it as a list, e.g. "${lo}-${spec.max},${spec.min}-${hi}"`,
        );
      }
    }
    for (let v = lo; v <= hi; v += step) values.add(spec.field === "dayOfWeek" && v === 7 ? 0 : v);
  }
  return { text, values: [...values].sort((a, b) => a - b), star: false };
}

function value(
  spec: FieldSpec,
  token: string,
  where: string,
  fail: (problem: string, suggestion?: string) => never,
): number {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    if (n < spec.min || n > spec.max) {
      const bad = where.endsWith(`"${token}"`) ? where : `${where}: "${token}"`;
      const names =
        spec.names === undefined
          ? ""
          : ` (or ${spec.names[0]}-${spec.names[spec.names.length - 1]})`;
      fail(`${bad} is out of range ${spec.min}-${spec.max}${names}`, outOfRangeHint(spec, n));
    }
    return n;
  }
  if (spec.names !== undefined && isName(spec, token)) {
    return spec.names.indexOf(token.toUpperCase()) + (spec.nameBase ?? 0);
  }
  return fail(
    `${where}: "${token}" is not a number${spec.names === undefined ? "" : ` or a ${spec.label === "month" ? "month" : "day"} name (${spec.names.join(" ")})`}`,
  );
}

function isName(spec: FieldSpec, token: string): boolean {
  return spec.names !== undefined && spec.names.includes(token.toUpperCase());
}

function outOfRangeHint(spec: FieldSpec, n: number): string | undefined {
  if (spec.field === "hour" && n === 24) return "use 0 for midnight";
  if ((spec.field === "minute" || spec.field === "second") && n === 60)
    return `use 0 (the ${spec.label} count restarts at 0)`;
  if (spec.field === "dayOfMonth" && n === 0) return "days of the month start at 1";
  if (spec.field === "month" && n === 0) return "months are 1-12 (JAN-DEC)";
  return undefined;
}

function range(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v++) out.push(v);
  return out;
}
