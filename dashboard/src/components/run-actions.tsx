/**
 * @module dashboard/components/run-actions
 * A write token's actions on a whole run: stop or start it (as its state allows), cancel it
 * after a confirm step (with a note), and its note. A refusal shows the server's answer.
 */
import { useState } from "react";
import { useCanWrite, useServices } from "../context.js";
import {
  runControl,
  runControlsFor,
  setNote,
  type RunControl,
  type RunDetail,
} from "../workflows-api.js";
import { ConfirmDialog } from "./confirm-dialog.js";
import { NoteForm } from "./note-form.js";
import { ErrorState } from "./states.js";
import { useAction } from "./use-action.js";

const LABELS: Record<RunControl, string> = {
  cancel: "Cancel run…",
  stop: "Stop run",
  start: "Start run",
};

/** The run's actions; nothing for a read token. */
export function RunActions({ run, onDone }: { run: RunDetail; onDone: () => void }) {
  const { api } = useServices();
  const canWrite = useCanWrite();
  const action = useAction();
  const [confirming, setConfirming] = useState(false);
  const [note, setCancelNote] = useState("");
  if (!canWrite) return null;
  const busy = action.busy !== null;
  return (
    <div data-testid="run-actions">
      <div className="actions" role="group" aria-label="Run">
        {runControlsFor(run.state).map((a) => (
          <button
            key={a}
            type="button"
            data-testid={`action-${a}`}
            disabled={busy}
            onClick={() =>
              a === "cancel"
                ? setConfirming(true)
                : action.perform(a, () => runControl(api, run.id, a), onDone)
            }
          >
            {LABELS[a]}
          </button>
        ))}
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Cancel run ${run.id}?`}
        confirmLabel="Cancel run"
        testId="action-cancel-confirm"
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          action.perform("cancel", () => runControl(api, run.id, "cancel", note), onDone)
        }
      >
        <p>Running tasks are aborted and end failed; tasks that never ran end skipped.</p>
        <label>
          Note{" "}
          <input name="cancel-note" value={note} onChange={(e) => setCancelNote(e.target.value)} />
        </label>
      </ConfirmDialog>
      <NoteForm
        key={run.id}
        label="run"
        current={run.note}
        testId="action-note-run"
        busy={busy}
        onSave={(text) => action.perform("note", () => setNote(api, run.id, text), onDone)}
      />
      {action.error ? (
        <ErrorState error={action.error} title="The server refused the action" />
      ) : null}
    </div>
  );
}
