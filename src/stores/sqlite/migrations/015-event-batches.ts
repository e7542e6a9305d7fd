/**
 * @module stores/sqlite/migrations/015-event-batches
 * Migration 15: the event feed stored one row per appended batch instead of one row per event.
 *
 * Why: every job records at least two feed events (its start and its end), and one b-tree row
 * per event (plus its `at` index entry) cost about a third of the embedded worker's
 * throughput. A batch row holds the events of one `appendEvents` call; the port's contract is
 * unchanged (one id per event, ids grow in commit order, never reused).
 *
 * - `event_batches.last_id` (AUTOINCREMENT, so never reused) is the id of the batch's last
 *   event; `first_id` the id of its first; event `first_id + i` is element `i` of `events`, a
 *   JSON array of `[at, name, kind, fn, workflow, subject, instance, data]` arrays (`data` kept
 *   as the JSON text given), or `null` for an event retention deleted. The store writes that
 *   text raw-deflated (a BLOB, about 18x smaller; stores/feed-batches `packFeedBatch`); the
 *   rows moved here from `events` are plain text, and readers take both.
 * - `at_min` is the oldest `at` among the batch's events still held (retention reads it through
 *   `event_batches_at_idx`).
 * - The events of migration 11's table move over as one batch each, keeping their ids, and the
 *   AUTOINCREMENT counter carries on from the old table's, so no id is handed out again.
 */

/** The SQL text of migration 15. */
export const sql = `
CREATE TABLE event_batches (
  last_id  INTEGER PRIMARY KEY AUTOINCREMENT,
  first_id INTEGER NOT NULL,
  at_min   INTEGER NOT NULL,
  events   TEXT    NOT NULL
);

CREATE INDEX event_batches_at_idx ON event_batches (at_min);

INSERT INTO event_batches (last_id, first_id, at_min, events)
SELECT id, id, at, json_array(json_array(at, name, kind, fn, workflow, subject, instance, data))
  FROM events ORDER BY id;

INSERT INTO sqlite_sequence (name, seq)
SELECT 'event_batches', 0
 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'event_batches');

UPDATE sqlite_sequence
   SET seq = max(seq, coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0))
 WHERE name = 'event_batches';

DROP TABLE events;
`;
