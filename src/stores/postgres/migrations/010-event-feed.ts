/**
 * @module stores/postgres/migrations/010-event-feed
 * Migration 10: the durable event feed; same table and meaning as SQLite migration 11
 * (`events`: one row per recorded bus event, `data` the event's JSON text as given,
 * `events_at_idx` for retention). Ids come from a BIGSERIAL; the append takes the schema's
 * `event-feed` advisory lock so that ids commit in id order (see `stores/postgres/feed.ts`).
 */

/** The SQL text of migration 10 for schema `s`. */
export const sql = (s: string): string => `
CREATE TABLE ${s}.events (
  id       BIGSERIAL PRIMARY KEY,
  at       BIGINT NOT NULL,
  name     TEXT   NOT NULL,
  kind     TEXT   NOT NULL,
  fn       TEXT,
  workflow TEXT,
  subject  TEXT,
  instance TEXT   NOT NULL,
  data     TEXT   NOT NULL
);

CREATE INDEX events_at_idx ON ${s}.events (at);
`;
