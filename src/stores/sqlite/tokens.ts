/**
 * @module stores/sqlite/tokens
 * The SQLite TokenStore (`api_tokens`, migration 10), on the connection the job store owns:
 * once that is closed, every method throws ShuttingDownError. A taken id or an active name
 * is found in the insert's own transaction and reported as ConflictError.
 */
import type Database from "better-sqlite3";
import { ShuttingDownError } from "../../core/errors.js";
import type { TokenRow, TokenStore } from "../../ports/token-store.js";
import {
  TOKEN_COLUMNS,
  toTokenRow,
  tokenConflict,
  tokenValues,
  type TokenDbRow,
} from "../token-row.js";
import { toStoreError } from "./sqlite-job-store.js";

/** A TokenStore over a shared better-sqlite3 connection. */
export class SqliteTokenStore implements TokenStore {
  readonly #db: Database.Database;
  #closed = false;
  readonly #insert: Database.Statement<unknown[]>;
  readonly #get: Database.Statement<[string], TokenDbRow>;
  readonly #activeByName: Database.Statement<[string], { id: string }>;
  readonly #list: Database.Statement<[], TokenDbRow>;
  readonly #revoke: Database.Statement<[number, string]>;
  readonly #countActive: Database.Statement<[], { n: number }>;
  readonly #touch: Database.Statement<[number, string]>;
  readonly #create: Database.Transaction<(row: TokenRow) => void>;

  constructor(db: Database.Database) {
    this.#db = db;
    // Contract: input a full row; inserts it (fails on a taken id or active name).
    this.#insert = db.prepare(
      `INSERT INTO api_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    // Contract: input an id; the row or nothing (primary key).
    this.#get = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE id = ?`);
    // Contract: input a name; the active token holding it, if any (api_tokens_active_name_idx).
    this.#activeByName = db.prepare(
      "SELECT id FROM api_tokens WHERE name = ? AND revoked_at IS NULL",
    );
    // Contract: every row, oldest first (ties by id).
    this.#list = db.prepare(`SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at, id`);
    // Contract: input (now, id); sets revoked_at once (a revoked row keeps its first time).
    this.#revoke = db.prepare(
      "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    );
    // Contract: the number of rows not revoked.
    this.#countActive = db.prepare("SELECT count(*) AS n FROM api_tokens WHERE revoked_at IS NULL");
    // Contract: input (now, id); records the last use.
    this.#touch = db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?");
    this.#create = db.transaction((row: TokenRow) => {
      if (this.#get.get(row.id) !== undefined) throw tokenConflict(row, null);
      const holder = this.#activeByName.get(row.name);
      if (row.revokedAt === null && holder !== undefined) throw tokenConflict(row, holder.id);
      this.#insert.run(...tokenValues(row));
    });
  }

  async createToken(row: TokenRow): Promise<void> {
    this.#run("createToken", () => this.#create.immediate(row));
  }

  async getToken(id: string): Promise<TokenRow | null> {
    return this.#run("getToken", () => {
      const row = this.#get.get(id);
      return row === undefined ? null : toTokenRow(row);
    });
  }

  async listTokens(): Promise<TokenRow[]> {
    return this.#run("listTokens", () => this.#list.all().map(toTokenRow));
  }

  async revokeToken(id: string, now: number): Promise<TokenRow | null> {
    return this.#run("revokeToken", () => {
      this.#revoke.run(now, id);
      const row = this.#get.get(id);
      return row === undefined ? null : toTokenRow(row);
    });
  }

  async countActiveTokens(): Promise<number> {
    return this.#run("countActiveTokens", () => this.#countActive.get()?.n ?? 0);
  }

  async touchToken(id: string, now: number): Promise<void> {
    this.#run("touchToken", () => this.#touch.run(now, id));
  }

  /** Refuse further calls (ShuttingDownError); the connection belongs to the job store. */
  close(): void {
    this.#closed = true;
  }

  #run<T>(operation: string, body: () => T): T {
    if (this.#closed || !this.#db.open) {
      throw new ShuttingDownError(
        `the SQLite token store is closed; ${operation} was called after close()`,
      );
    }
    try {
      return body();
    } catch (error) {
      throw toStoreError(operation, error, "token store", this.#db.name);
    }
  }
}
