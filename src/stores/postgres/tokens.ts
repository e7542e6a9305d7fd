/**
 * @module stores/postgres/tokens
 * The PostgreSQL TokenStore (`api_tokens`, migration 9), on the pool the job store owns: once
 * that is closed, every method throws ShuttingDownError. A taken id or active name is the
 * insert's unique violation (23505), turned into ConflictError naming what was taken.
 */
import { ShuttingDownError } from "../../core/errors.js";
import type { TokenRow, TokenStore } from "../../ports/token-store.js";
import {
  TOKEN_COLUMNS,
  toTokenRow,
  tokenConflict,
  tokenValues,
  type TokenDbRow,
} from "../token-row.js";
import { type PgDatabase, toStoreError } from "./database.js";

/** A TokenStore over a shared PgDatabase. */
export class PostgresTokenStore implements TokenStore {
  readonly #db: PgDatabase;
  #closed = false;

  constructor(db: PgDatabase) {
    this.#db = db;
  }

  async createToken(row: TokenRow): Promise<void> {
    const { s } = this.#db;
    await this.#run("createToken", async () => {
      try {
        // Contract: input a full row; inserts it (23505 on a taken id or active name).
        await this.#db.query(
          `INSERT INTO ${s}.api_tokens (${TOKEN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          tokenValues(row),
        );
      } catch (error) {
        const e = error as { code?: string; constraint?: string } | null;
        if (e?.code !== "23505") throw error;
        if (e.constraint === "api_tokens_pkey") throw tokenConflict(row, null);
        // Contract: input a name; the active token holding it (api_tokens_active_name_idx).
        const { rows } = await this.#db.query<{ id: string }>(
          `SELECT id FROM ${s}.api_tokens WHERE name = $1 AND revoked_at IS NULL`,
          [row.name],
        );
        throw tokenConflict(row, rows[0]?.id ?? "(revoked since)");
      }
    });
  }

  async getToken(id: string): Promise<TokenRow | null> {
    return this.#run("getToken", async () => {
      // Contract: input an id; the row or nothing (primary key).
      const { rows } = await this.#db.query<TokenDbRow>(
        `SELECT ${TOKEN_COLUMNS} FROM ${this.#db.s}.api_tokens WHERE id = $1`,
        [id],
      );
      return rows[0] === undefined ? null : toTokenRow(rows[0]);
    });
  }

  async listTokens(): Promise<TokenRow[]> {
    return this.#run("listTokens", async () => {
      // Contract: every row, oldest first (ties by id).
      const { rows } = await this.#db.query<TokenDbRow>(
        `SELECT ${TOKEN_COLUMNS} FROM ${this.#db.s}.api_tokens ORDER BY created_at, id`,
      );
      return rows.map(toTokenRow);
    });
  }

  async revokeToken(id: string, now: number): Promise<TokenRow | null> {
    return this.#run("revokeToken", async () => {
      // Contract: input (id, now); sets revoked_at once (a revoked row keeps its first time)
      // and returns the row after, or nothing for an unknown id.
      const { rows } = await this.#db.query<TokenDbRow>(
        `UPDATE ${this.#db.s}.api_tokens SET revoked_at = COALESCE(revoked_at, $2)
          WHERE id = $1 RETURNING ${TOKEN_COLUMNS}`,
        [id, now],
      );
      return rows[0] === undefined ? null : toTokenRow(rows[0]);
    });
  }

  async countActiveTokens(): Promise<number> {
    return this.#run("countActiveTokens", async () => {
      // Contract: the number of rows not revoked.
      const { rows } = await this.#db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${this.#db.s}.api_tokens WHERE revoked_at IS NULL`,
      );
      return rows[0]?.n ?? 0;
    });
  }

  async touchToken(id: string, now: number): Promise<void> {
    await this.#run("touchToken", async () => {
      // Contract: input (id, now); records the last use.
      await this.#db.query(`UPDATE ${this.#db.s}.api_tokens SET last_used_at = $2 WHERE id = $1`, [
        id,
        now,
      ]);
    });
  }

  /** Refuse further calls (ShuttingDownError); the pool is the job store's. Idempotent. */
  close(): void {
    this.#closed = true;
  }

  async #run<T>(operation: string, body: () => Promise<T>): Promise<T> {
    if (this.#closed) {
      throw new ShuttingDownError(
        `the PostgreSQL token store is closed; ${operation} was called after close()`,
      );
    }
    this.#db.assertOpen(operation);
    try {
      return await body();
    } catch (error) {
      throw toStoreError(operation, error, "token store");
    }
  }
}
