/**
 * @module dashboard/components/dag/StateLegend
 * The key to the state colours, shown under the DAG graph and the run grid.
 */
import { STATE_STYLES, TASK_STATES } from "./states.js";

/** A swatch and a label per task-instance state, in Airflow's order. */
export function StateLegend() {
  return (
    <ul
      data-testid="state-legend"
      aria-label="Task states"
      style={{
        display: "flex",
        flexWrap: "wrap",
        gap: "0.25rem 1rem",
        listStyle: "none",
        margin: "0.5rem 0 0",
        padding: 0,
        fontSize: "0.8125rem",
      }}
    >
      {TASK_STATES.map((state) => (
        <li key={state} data-state={state} style={{ display: "flex", alignItems: "center" }}>
          <span
            aria-hidden="true"
            style={{
              display: "inline-block",
              width: "0.75rem",
              height: "0.75rem",
              marginRight: "0.375rem",
              borderRadius: "2px",
              background: STATE_STYLES[state].fill,
              border: "1px solid currentColor",
              boxSizing: "border-box",
            }}
          />
          {STATE_STYLES[state].label}
        </li>
      ))}
    </ul>
  );
}
