/**
 * @module dashboard/session
 * The signed-in token, kept in sessionStorage under `kairos.token` (gone when the tab closes),
 * and the scope `GET /whoami` answered for it.
 */

/** The sessionStorage key of the token (shared contract). */
export const TOKEN_KEY = "kairos.token";

/** Who the dashboard acts as: the scope decides whether mutating buttons show. */
export interface Session {
  readonly scope: "read" | "write";
  /** "token", or "loopback-open" when the server has no token yet. */
  readonly auth: string;
}

/** The stored token, or null. */
export function storedToken(storage: Pick<Storage, "getItem"> = sessionStorage): string | null {
  return storage.getItem(TOKEN_KEY);
}

/** Store (or with null, forget) the token. */
export function storeToken(
  token: string | null,
  storage: Pick<Storage, "setItem" | "removeItem"> = sessionStorage,
): void {
  if (token === null) storage.removeItem(TOKEN_KEY);
  else storage.setItem(TOKEN_KEY, token);
}
