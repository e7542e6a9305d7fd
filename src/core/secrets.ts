/**
 * @module core/secrets
 * Hiding credentials in text shown to people: store URLs in CLI lines, error messages and log
 * records. One pure function family, used by the stores (messages they build) and the CLI
 * (everything it prints), so a `postgres://user:s3cr3t@host/db` is always shown as
 * `postgres://user:***@host/db`.
 *
 * What is hidden: the password of a URL's user info (`scheme://user:PASSWORD@host`, also when
 * the password holds an unencoded `@`), and the value of a secret parameter in a query string
 * or a libpq key=value string (`?password=`, `sslpassword=`, `pwd=`, ...). The user name, host,
 * port, database and other parameters stay visible, so messages still say where.
 */

/** What replaces a secret. */
export const SECRET_MASK = "***";

/** Parameter names whose values are secrets (libpq's and common aliases), lower case. */
const SECRET_PARAMS = "password|sslpassword|passwd|pwd|pass";

// scheme://user:password@ — the password runs to the last `@` before the host's `/`.
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):([^\s/]*)@/gi;
// ?password=x, &password=x, ; password=x, or a conninfo `password=x` after a space / at start.
const PARAM = new RegExp(`(^|[?&;\\s])(${SECRET_PARAMS})=([^&\\s#;]*)`, "gi");

/**
 * `text` with every credential in URL user info and every secret parameter's value replaced by
 * `***`. Idempotent; text without credentials is returned unchanged.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(USERINFO, (_all, head: string) => `${head}:${SECRET_MASK}@`)
    .replace(PARAM, (_all, lead: string, name: string) => `${lead}${name}=${SECRET_MASK}`);
}

/** A store URL fit to show: `postgres://user:***@host/db?password=***` (see `maskSecrets`). */
export function maskUrl(url: string): string {
  return maskSecrets(url);
}

/**
 * The secret values a URL carries (user-info password, secret parameters), both as written and
 * percent-decoded, so a caller can also scrub them where they appear outside the URL. Values
 * shorter than 4 characters are left out: hiding them everywhere would garble ordinary text.
 */
export function urlSecrets(url: string): string[] {
  const found = new Set<string>();
  const add = (value: string): void => {
    for (const v of [value, safeDecode(value)])
      if (v.length >= 4 && v !== SECRET_MASK) found.add(v);
  };
  for (const m of url.matchAll(USERINFO)) add(m[2] ?? "");
  for (const m of url.matchAll(PARAM)) add(m[3] ?? "");
  return [...found];
}

/** `text` with `maskSecrets` applied and every literal in `secrets` replaced by `***`. */
export function maskText(text: string, secrets: readonly string[] = []): string {
  let out = maskSecrets(text);
  for (const secret of secrets) if (secret !== "") out = out.split(secret).join(SECRET_MASK);
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
