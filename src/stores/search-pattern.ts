/**
 * @module stores/search-pattern
 * The LIKE pattern of a job list's text search, shared by both adapters: a substring match with
 * `\` as the escape character, so that `%`, `_` and `\` in the text match themselves.
 */

/** `%text%` with `%`, `_` and `\` escaped by a backslash (use with ESCAPE '\'). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
