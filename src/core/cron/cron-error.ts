/**
 * @module core/cron/cron-error
 * The error thrown for a cron expression or timezone Kairos cannot use. It is a
 * ValidationError (code `VALIDATION`) with typed fields, so a config loader can point at the
 * bad field and show the suggestion.
 */
import { ValidationError } from "../errors.js";

/** The fields of a cron expression, in order (seconds only in 6-field expressions). */
export type CronField = "second" | "minute" | "hour" | "dayOfMonth" | "month" | "dayOfWeek";

/**
 * A cron expression (or its timezone) is invalid. The message names the field, the bad value
 * and the allowed range, and ends with the suggestion when there is one. Nothing was written.
 */
export class CronError extends ValidationError {
  /** The expression as given. */
  readonly expression: string;
  /** The field at fault, when the problem is in one field. */
  readonly field: CronField | undefined;
  /** How to fix it, when Kairos can tell. */
  readonly suggestion: string | undefined;

  constructor(
    problem: string,
    details: { expression: string; field?: CronField; suggestion?: string },
  ) {
    super(details.suggestion === undefined ? problem : `${problem}; ${details.suggestion}`);
    this.expression = details.expression;
    this.field = details.field;
    this.suggestion = details.suggestion;
  }
}
