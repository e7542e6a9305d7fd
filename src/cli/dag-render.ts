/**
 * @module cli/dag-render
 * The terminal drawing of a workflow run's task graph (`kairos runs show`): one line per task,
 * grouped in topological layers (a task's layer is the longest path to it from a root, so
 * every upstream is drawn above it), each line a state marker (symbol and state name, in
 * Airflow's colours when asked), the task id, its direct upstreams (`← a, b`) and an optional
 * detail:
 *
 *    1 ├─ ✔ success          extract
 *      └─ ✔ success          clean
 *    2 └─ ▶ running          load  ← extract, clean  try 2/3
 *
 * Pure, and linear in tasks + edges: an upstream list is written only as far as the width
 * allows (`← a, b, … +47`), so a wide fan-in costs no more than the line it fills. Unknown
 * upstream ids are listed but do not place the task; tasks on a cycle (which validation
 * rejects elsewhere) are drawn in a last layer rather than lost.
 */

/** One task to draw. */
export interface DagTask {
  readonly id: string;
  readonly dependsOn: readonly string[];
  /** An Airflow task-instance state (`success`, `running`, ...); any other text is drawn as is. */
  readonly state: string;
  /** Short text after the upstreams, e.g. `try 2/3` or a note. */
  readonly detail?: string;
}

/** How to draw. */
export interface DagRenderOptions {
  /** Colour the state markers with ANSI escapes (Airflow's state colours). */
  readonly color: boolean;
  /** Keep every line within this many columns (taken as at least 40); omitted: no limit. */
  readonly width?: number;
}

/** A state's symbol and 256-colour code (Airflow's colours; null: the terminal's default). */
const STYLES: Readonly<Record<string, { symbol: string; color: number | null }>> = {
  none: { symbol: "·", color: null },
  scheduled: { symbol: "◔", color: 180 }, // tan
  queued: { symbol: "○", color: 245 }, // grey
  running: { symbol: "▶", color: 46 }, // lime
  success: { symbol: "✔", color: 34 }, // green
  failed: { symbol: "✘", color: 196 }, // red
  up_for_retry: { symbol: "↻", color: 220 }, // gold
  upstream_failed: { symbol: "⊘", color: 214 }, // orange
  skipped: { symbol: "»", color: 205 }, // pink
  removed: { symbol: "−", color: 252 }, // light grey
  stopped: { symbol: "■", color: 141 }, // purple: stopped, waiting for a start
};

/** The widest state name Airflow has (`upstream_failed`). */
const STATE_WIDTH = 15;
const MIN_WIDTH = 40;

/**
 * Topological layers: `layer[i]` is the longest path from a root to task i (0 for a root), in
 * O(tasks + edges). Tasks left on a cycle get one layer past the deepest.
 */
export function dagLayers(tasks: readonly DagTask[]): number[] {
  const index = new Map<string, number>();
  tasks.forEach((t, i) => index.set(t.id, i));
  const pending = new Array<number>(tasks.length).fill(0);
  const downstream: number[][] = tasks.map(() => []);
  const seenBy = new Array<number>(tasks.length).fill(-1); // dedupes repeated upstream ids
  tasks.forEach((t, i) => {
    for (const up of t.dependsOn) {
      const u = index.get(up);
      if (u === undefined || u === i || seenBy[u] === i) continue;
      seenBy[u] = i;
      downstream[u]!.push(i);
      pending[i]! += 1;
    }
  });
  const layer = new Array<number>(tasks.length).fill(-1);
  const queue: number[] = [];
  tasks.forEach((_t, i) => {
    if (pending[i] === 0) {
      layer[i] = 0;
      queue.push(i);
    }
  });
  for (let head = 0; head < queue.length; head += 1) {
    const u = queue[head]!;
    for (const d of downstream[u]!) {
      layer[d] = Math.max(layer[d]!, layer[u]! + 1);
      pending[d]! -= 1;
      if (pending[d] === 0) queue.push(d);
    }
  }
  const deepest = layer.reduce((a, b) => Math.max(a, b), -1);
  return layer.map((l) => (l < 0 ? deepest + 1 : l));
}

/** Visible length: code points (every symbol used here is one column). */
function visible(text: string): number {
  return SURROGATE.test(text) ? Array.from(text).length : text.length;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** `text` cut to `max` columns, with `…` when cut. */
function cut(text: string, max: number): string {
  if (max <= 0) return "";
  if (visible(text) <= max) return text;
  return `${Array.from(text)
    .slice(0, Math.max(0, max - 1))
    .join("")}…`;
}

/**
 * `← a, b, c` within `room` columns: as many ids as fit, then `… +N` for the rest; "" when
 * even `← … +N` does not fit. Reads only the ids it writes (plus one).
 */
function upstreamText(ids: readonly string[], room: number): string {
  if (ids.length === 0) return "";
  let out = "← ";
  for (let i = 0; i < ids.length; i += 1) {
    const piece = (i === 0 ? "" : ", ") + ids[i]!;
    const rest = ids.length - i - 1;
    const tail = rest === 0 ? "" : `, … +${rest}`;
    if (visible(out) + visible(piece) + visible(tail) > room) {
      const more = `${i === 0 ? "" : ", "}… +${ids.length - i}`;
      return visible(out) + visible(more) <= room ? out + more : "";
    }
    out += piece;
  }
  return out;
}

function marker(state: string, color: boolean): string {
  const style = STYLES[state] ?? { symbol: "?", color: null };
  const text = `${style.symbol} ${state}`;
  const pad = " ".repeat(Math.max(0, STATE_WIDTH - visible(state)));
  return color && style.color !== null
    ? `\x1b[38;5;${style.color}m${text}\x1b[0m${pad}`
    : text + pad;
}

/**
 * Draw the graph: one line per task, layer by layer (tasks of a layer in input order); the
 * layer's number (1-based) on its first line. See the module header.
 */
export function renderDag(tasks: readonly DagTask[], options: DagRenderOptions): string[] {
  if (tasks.length === 0) return ["(no tasks)"];
  const width = options.width === undefined ? Infinity : Math.max(MIN_WIDTH, options.width);
  const layers = dagLayers(tasks);
  const byLayer: number[][] = [];
  layers.forEach((l, i) => (byLayer[l] ??= []).push(i));
  const numberWidth = String(byLayer.length).length;
  const lines: string[] = [];
  byLayer.forEach((members, l) => {
    members.forEach((i, k) => {
      const task = tasks[i]!;
      const label = k === 0 ? String(l + 1).padStart(numberWidth) : " ".repeat(numberWidth);
      const branch = k === members.length - 1 ? "└─" : "├─";
      const head = `${label} ${branch} `;
      const stateCols = 2 + STATE_WIDTH + 1;
      let room = width - visible(head) - stateCols;
      const id = cut(task.id, room);
      room -= visible(id);
      let tail = "";
      const ups = upstreamText(task.dependsOn, room - 2);
      if (ups !== "") {
        tail += `  ${ups}`;
        room -= 2 + visible(ups);
      }
      if (task.detail !== undefined && task.detail !== "" && room > 3) {
        tail += `  ${cut(task.detail, room - 2)}`;
      }
      lines.push(`${head}${marker(task.state, options.color)} ${id}${tail}`);
    });
  });
  return lines;
}
