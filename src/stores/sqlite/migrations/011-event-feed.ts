/**
 * @module stores/sqlite/migrations/011-event-feed
 * Migration 11: the durable event feed (ports/event-feed-store).
 *
 * - `events` holds one row per recorded bus event. `id` is AUTOINCREMENT so an id is never
 *   reused, even after the newest rows were deleted: a client resuming from id N must never be
 *   handed a different event under an id it already saw. SQLite has one writer, so ids grow in
 *   commit order.
 * - `data` is the event's JSON text, kept as given (exact round trip).
 * - `events_at_idx` serves retention (delete the oldest by time).
 */

/** The SQL text of migration 11. */
export const sql = `
CREATE TABLE events (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  at       INTEGER NOT NULL,
  name     TEXT    NOT NULL,
  kind     TEXT    NOT NULL,
  fn       TEXT,
  workflow TEXT,
  subject  TEXT,
  instance TEXT    NOT NULL,
  data     TEXT    NOT NULL
);

CREATE INDEX events_at_idx ON events (at);
`;
