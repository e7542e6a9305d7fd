/**
 * @module dashboard/components/task-actions
 * A write token's actions on the selected task of a run: mark it success / failed / skipped
 * (optionally with its downstream), clear it (the task, with its downstream, or every failed
 * task of the run) after a confirm step, and its note. A refusal shows the server's answer.
 */
import { useState } from "react";
import { useCanWrite, useServices } from "../context.js";
import {
  clearBody,
  clearTasks,
  MARK_STATES,
  markTask,
  setNote,
  type ClearScope,
  type RunDetail,
  type TaskInstance,
} from "../workflows-api.js";
import { ConfirmDialog } from "./confirm-dialog.js";
import { NoteForm } from "./note-form.js";
import { ErrorState } from "./states.js";
import { useAction } from "./use-action.js";

const SCOPES: { value: ClearScope; label: (task: string) => string }[] = [
  { value: "downstream", label: (t) => `${t} and every task downstream of it` },
  { value: "task", label: (t) => `only ${t}` },
  { value: "failed", label: () => "every failed task of the run (only failed)" },
];

function ClearScopes({
  task,
  scope,
  set,
}: {
  task: string;
  scope: ClearScope;
  set: (s: ClearScope) => void;
}) {
  return (
    <fieldset>
      <legend>Clear (their tries start again)</legend>
      {SCOPES.map((s) => (
        <label key={s.value} className="choice">
          <input
            type="radio"
            name="clear-scope"
            value={s.value}
            checked={scope === s.value}
            onChange={() => set(s.value)}
          />{" "}
          {s.label(task)}
        </label>
      ))}
    </fieldset>
  );
}

/** The actions on `task` of `run`; nothing for a read token. */
export function TaskActions({
  run,
  task,
  onDone,
}: {
  run: RunDetail;
  task: TaskInstance;
  onDone: () => void;
}) {
  const { api } = useServices();
  const canWrite = useCanWrite();
  const action = useAction();
  const [downstream, setDownstream] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [scope, setScope] = useState<ClearScope>("downstream");
  if (!canWrite) return null;
  const id = task.taskId;
  const busy = action.busy !== null;
  return (
    <div data-testid="task-actions">
      <div className="actions" role="group" aria-label={`Mark ${id}`}>
        <span>Mark {id}</span>
        {MARK_STATES.map((state) => (
          <button
            key={state}
            type="button"
            data-testid={`action-mark-${state}`}
            disabled={busy}
            onClick={() =>
              action.perform(
                `mark-${state}`,
                () => markTask(api, run.id, id, state, downstream),
                onDone,
              )
            }
          >
            {state}
          </button>
        ))}
        <label>
          <input
            type="checkbox"
            checked={downstream}
            onChange={(e) => setDownstream(e.target.checked)}
          />{" "}
          and downstream
        </label>
        <button
          type="button"
          data-testid="action-clear"
          disabled={busy}
          onClick={() => setConfirming(true)}
        >
          Clear…
        </button>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Clear ${id}?`}
        confirmLabel="Clear"
        testId="action-clear-confirm"
        onClose={() => setConfirming(false)}
        onConfirm={() =>
          action.perform("clear", () => clearTasks(api, run.id, clearBody(run, id, scope)), onDone)
        }
      >
        <ClearScopes task={id} scope={scope} set={setScope} />
      </ConfirmDialog>
      <NoteForm
        key={`${run.id}|${id}`}
        label={`task ${id}`}
        current={task.note}
        testId="action-note"
        busy={busy}
        onSave={(text) => action.perform("note", () => setNote(api, run.id, text, id), onDone)}
      />
      {action.error ? (
        <ErrorState error={action.error} title="The server refused the action" />
      ) : null}
    </div>
  );
}
