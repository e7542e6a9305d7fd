/**
 * @module dashboard/components/note-form
 * A one-line note editor (a run's or a task's): saving an empty text removes the note.
 */
import { useState } from "react";

/** The form's props. */
export interface NoteFormProps {
  /** What the note is on ("run", "task load"): the input's label. */
  readonly label: string;
  readonly current: string | null;
  /** The save button's test id (`action-...`). */
  readonly testId: string;
  readonly busy: boolean;
  readonly onSave: (text: string) => void;
}

/** Edit a note. */
export function NoteForm({ label, current, testId, busy, onSave }: NoteFormProps) {
  const [text, setText] = useState(current ?? "");
  return (
    <form
      className="note-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(text);
      }}
    >
      <label>
        Note on the {label}{" "}
        <input
          name="note"
          value={text}
          placeholder="why, who, what next"
          onChange={(e) => setText(e.target.value)}
        />
      </label>{" "}
      <button type="submit" data-testid={testId} disabled={busy}>
        Save note
      </button>
    </form>
  );
}
