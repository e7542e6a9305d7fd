/**
 * @module dashboard/components/dag/RunGrid
 * Airflow's grid view: recent runs as columns (in the order given, oldest first by
 * convention), tasks as rows, each cell a square in its task instance's state colour. One
 * cell is in the tab order (the selected one, else the first); the arrow keys, Home and End
 * move between cells, and Enter, Space or a click selects one.
 */
import type { KeyboardEvent } from "react";
import { grid, moveInGrid } from "./grid-keys.js";
import { paintedState, STATE_STYLES, stateStyle } from "./states.js";
import { StateLegend } from "./StateLegend.js";

/** One run (a column): its id, an optional short label, its own state and its tasks' states. */
export interface GridRun {
  readonly id: string;
  /** Shown in the column header (e.g. the run's start time); defaults to the id. */
  readonly label?: string;
  /** The run's state, painted as a bar above its column. */
  readonly state?: string | null;
  /** Task id -> task-instance state; a task missing here (not yet instantiated) is `none`. */
  readonly taskStates: Readonly<Record<string, string | null | undefined>>;
}

/** The grid's runs, rows and selection. */
export interface RunGridProps {
  readonly runs: readonly GridRun[];
  /** The rows, in the order to show them (e.g. the workflow's declaration order). */
  readonly tasks: readonly { readonly id: string }[];
  readonly selected?: { readonly runId: string; readonly taskId: string } | null;
  /** Called when a cell is clicked or chosen with Enter/Space. */
  readonly onSelect?: (runId: string, taskId: string) => void;
  /** Show the state legend under the grid (default true; off when the page shows one). */
  readonly legend?: boolean;
}

const CELL = 14;

const FOCUS_CSS = ".kairos-grid-cell:focus-visible{outline:2px solid Highlight;outline-offset:1px}";

/** A cell's tooltip and accessible name: task, run and state. */
export function cellTitle(taskId: string, run: GridRun, state: string | null | undefined): string {
  return `${taskId} · ${run.label ?? run.id} · ${STATE_STYLES[paintedState(state)].label}`;
}

/** Moves focus among the cells with the arrow keys, Home and End. */
function onGridKeyDown(e: KeyboardEvent<HTMLTableElement>): void {
  const cell = (e.target as HTMLElement).closest<HTMLElement>("[data-testid=grid-cell]");
  if (!cell) return;
  const at = { row: Number(cell.dataset.row), col: Number(cell.dataset.col) };
  const to = moveInGrid(e.key, at, grid(e.currentTarget));
  if (!to) return;
  e.preventDefault();
  e.currentTarget
    .querySelector<HTMLElement>(
      `[data-testid=grid-cell][data-row="${to.row}"][data-col="${to.col}"]`,
    )
    ?.focus();
}

function RunHeader({ run }: { run: GridRun }) {
  const state = paintedState(run.state);
  return (
    <th scope="col" title={`${run.label ?? run.id} · ${STATE_STYLES[state].label}`}>
      <span
        data-testid="grid-run"
        data-run-id={run.id}
        data-state={state}
        style={{
          display: "block",
          width: CELL,
          height: 3 * CELL,
          margin: "0 auto",
          borderRadius: 2,
          background: STATE_STYLES[state].fill,
          border: "1px solid currentColor",
          boxSizing: "border-box",
        }}
      />
    </th>
  );
}

/** The grid, with the state legend under it. */
export function RunGrid({ runs, tasks, selected, onSelect, legend = true }: RunGridProps) {
  const shown =
    selected != null &&
    runs.some((r) => r.id === selected.runId) &&
    tasks.some((t) => t.id === selected.taskId);
  const tabStop = shown ? selected : { runId: runs[0]?.id, taskId: tasks[0]?.id };
  return (
    <figure data-testid="run-grid" style={{ margin: 0 }}>
      <style>{FOCUS_CSS}</style>
      <div style={{ overflow: "auto", maxWidth: "100%" }}>
        <table
          aria-label="Runs by task"
          onKeyDown={onGridKeyDown}
          data-rows={tasks.length}
          data-cols={runs.length}
          style={{ borderCollapse: "separate", borderSpacing: 2 }}
        >
          <thead>
            <tr>
              <th scope="col" style={{ textAlign: "left" }}>
                Task
              </th>
              {runs.map((run) => (
                <RunHeader key={run.id} run={run} />
              ))}
            </tr>
          </thead>
          <tbody>
            {tasks.map((task, row) => (
              <tr key={task.id} data-task-id={task.id}>
                <th
                  scope="row"
                  style={{ textAlign: "left", fontWeight: 400, whiteSpace: "nowrap" }}
                >
                  {task.id}
                </th>
                {runs.map((run, col) => {
                  const state = run.taskStates[task.id];
                  const isSelected = selected?.runId === run.id && selected.taskId === task.id;
                  const title = cellTitle(task.id, run, state);
                  return (
                    <td key={run.id} style={{ padding: 0 }}>
                      <button
                        type="button"
                        data-testid="grid-cell"
                        className="kairos-grid-cell"
                        data-run-id={run.id}
                        data-task-id={task.id}
                        data-state={paintedState(state)}
                        data-row={row}
                        data-col={col}
                        title={title}
                        aria-label={title}
                        aria-pressed={isSelected}
                        tabIndex={tabStop.runId === run.id && tabStop.taskId === task.id ? 0 : -1}
                        onClick={() => onSelect?.(run.id, task.id)}
                        style={{
                          display: "block",
                          width: CELL,
                          height: CELL,
                          padding: 0,
                          borderRadius: 2,
                          cursor: "pointer",
                          background: stateStyle(state).fill,
                          border: isSelected ? "2px solid currentColor" : "1px solid currentColor",
                          boxSizing: "border-box",
                        }}
                      />
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {legend ? <StateLegend /> : null}
    </figure>
  );
}
