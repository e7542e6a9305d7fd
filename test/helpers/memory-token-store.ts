/**
 * An in-memory TokenStore honouring the port's contract (ports/token-store): ConflictError on
 * a taken id or an active duplicate name, revoke idempotent, rows kept after revoke. Counts
 * calls so tests can see what a cache saved.
 */
import { ConflictError } from "../../src/core/errors.js";
import type { TokenRow, TokenStore } from "../../src/ports/token-store.js";

export class MemoryTokenStore implements TokenStore {
  readonly rows = new Map<string, TokenRow>();
  readonly calls = { get: 0, count: 0, touch: 0 };

  async createToken(row: TokenRow): Promise<void> {
    if (this.rows.has(row.id)) throw new ConflictError(`token id ${row.id} is taken`, row.id);
    for (const other of this.rows.values()) {
      if (other.revokedAt === null && other.name === row.name) {
        throw new ConflictError(`an active token is already named "${row.name}"`, other.id);
      }
    }
    this.rows.set(row.id, { ...row });
  }

  async getToken(id: string): Promise<TokenRow | null> {
    this.calls.get++;
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }

  async listTokens(): Promise<TokenRow[]> {
    return [...this.rows.values()].sort((a, b) => a.createdAt - b.createdAt).map((r) => ({ ...r }));
  }

  async revokeToken(id: string, now: number): Promise<TokenRow | null> {
    const row = this.rows.get(id);
    if (!row) return null;
    const after = row.revokedAt === null ? { ...row, revokedAt: now } : row;
    this.rows.set(id, after);
    return { ...after };
  }

  async countActiveTokens(): Promise<number> {
    this.calls.count++;
    return [...this.rows.values()].filter((r) => r.revokedAt === null).length;
  }

  async touchToken(id: string, now: number): Promise<void> {
    this.calls.touch++;
    const row = this.rows.get(id);
    if (row) this.rows.set(id, { ...row, lastUsedAt: now });
  }
}
