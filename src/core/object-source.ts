/**
 * @module core/object-source
 * Who owns a schedule or a function: the config file (reconciled by apply) or the API.
 */

/** Where a schedule or function came from: `config` objects are reconciled; `api` ones never touched by apply. */
export type ObjectSource = "config" | "api";
