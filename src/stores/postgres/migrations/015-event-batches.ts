/**
 * @module stores/postgres/migrations/015-event-batches
 * Migration 15: the event feed stored one row per appended batch instead of one row per event;
 * same table and meaning as SQLite migration 15 (stores/feed-batches). One tuple per batch
 * instead of one per event, with its primary-key and `at` index entries, took about a quarter
 * of the WAL that processing a job wrote; the batch's text is also TOAST-compressed.
 *
 * - `last_id` is the id of the batch's last event, `first_id` of its first; ids are drawn from
 *   `event_batches_ids` under the schema's `event-feed` advisory lock (stores/postgres/feed), so
 *   they still commit in id order. The sequence starts after the old table's, so no id is
 *   handed out again.
 * - The rows of migration 10's `events` move over as one batch each, keeping their ids.
 */

/** The SQL text of migration 15 for schema `s`. */
export const sql = (s: string): string => `
CREATE TABLE ${s}.event_batches (
  last_id  BIGINT PRIMARY KEY,
  first_id BIGINT NOT NULL,
  at_min   BIGINT NOT NULL,
  events   TEXT   NOT NULL
);

CREATE INDEX event_batches_at_idx ON ${s}.event_batches (at_min, last_id);

CREATE SEQUENCE ${s}.event_batches_ids AS BIGINT;

INSERT INTO ${s}.event_batches (last_id, first_id, at_min, events)
SELECT id, id, at, json_build_array(json_build_array(at, name, kind, fn, workflow, subject,
                                                     instance, data))::text
  FROM ${s}.events ORDER BY id;

SELECT setval('${s}.event_batches_ids', last_value, is_called) FROM ${s}.events_id_seq;

DROP TABLE ${s}.events;
`;
