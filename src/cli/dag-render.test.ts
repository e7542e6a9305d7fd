import { describe, expect, it } from "vitest";
import { dagLayers, renderDag, type DagTask } from "./dag-render.js";

/** Golden files keep the escape character visible: ESC is written `\e`. */
const golden = (lines: readonly string[]) => `${lines.join("\n").replaceAll("\x1b", "\\e")}\n`;
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
const plainWidth = (line: string) => Array.from(line.replace(ANSI, "")).length;

const STATES = [
  "none",
  "scheduled",
  "queued",
  "running",
  "success",
  "failed",
  "up_for_retry",
  "upstream_failed",
  "skipped",
  "removed",
  "deferred", // not an Airflow 2 state Kairos has: drawn as is, uncoloured
];

/** A chain through every state: extract -> ... one task per state. */
const chain: DagTask[] = STATES.map((state, i) => ({
  id: `step_${i}`,
  dependsOn: i === 0 ? [] : [`step_${i - 1}`],
  state,
  ...(state === "up_for_retry" ? { detail: "try 2/3, due in 25s" } : {}),
}));

const diamond: DagTask[] = [
  { id: "extract", dependsOn: [], state: "success" },
  { id: "clean", dependsOn: ["extract"], state: "success" },
  { id: "enrich", dependsOn: ["extract"], state: "running", detail: "try 1/3" },
  { id: "load", dependsOn: ["clean", "enrich"], state: "none" },
];

const part = (i: number) => `part_${String(i).padStart(2, "0")}`;
const fan: DagTask[] = [
  { id: "start", dependsOn: [], state: "success" },
  ...Array.from({ length: 50 }, (_, i) => ({
    id: part(i),
    dependsOn: ["start"],
    state: i % 10 === 3 ? "failed" : i % 10 === 7 ? "skipped" : "success",
  })),
  {
    id: "merge",
    dependsOn: Array.from({ length: 50 }, (_, i) => part(i)),
    state: "upstream_failed",
  },
];

const longChain = (n: number): DagTask[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `t${i}`,
    dependsOn: i === 0 ? [] : [`t${i - 1}`],
    state: i < n / 2 ? "success" : i === n / 2 ? "running" : "none",
  }));

describe("renderDag goldens", () => {
  const cases: [string, DagTask[], number | undefined][] = [
    ["chain", chain, undefined],
    ["diamond", diamond, undefined],
    ["fan-50", fan, 80],
    ["chain-200", longChain(200), 80],
  ];
  for (const [name, tasks, width] of cases) {
    const options = width === undefined ? {} : { width };
    it(`draws ${name} (plain)`, async () => {
      await expect(golden(renderDag(tasks, { color: false, ...options }))).toMatchFileSnapshot(
        `./__golden__/dag-${name}.txt`,
      );
    });
    it(`draws ${name} (coloured)`, async () => {
      await expect(golden(renderDag(tasks, { color: true, ...options }))).toMatchFileSnapshot(
        `./__golden__/dag-${name}.color.txt`,
      );
    });
  }
});

describe("renderDag", () => {
  it("puts every task below all its upstreams, by longest path from a root", () => {
    expect(dagLayers(diamond)).toEqual([0, 1, 1, 2]);
    const skip: DagTask[] = [
      { id: "a", dependsOn: [], state: "none" },
      { id: "b", dependsOn: ["a"], state: "none" },
      { id: "c", dependsOn: ["a", "b"], state: "none" },
    ];
    expect(dagLayers(skip)).toEqual([0, 1, 2]);
    const repeated: DagTask[] = [
      { id: "a", dependsOn: [], state: "none" },
      { id: "b", dependsOn: ["a", "a"], state: "none" },
      { id: "c", dependsOn: ["b"], state: "none" },
    ];
    expect(dagLayers(repeated)).toEqual([0, 1, 2]);
  });

  it("shows a fan-in's upstreams as far as the width allows and keeps every line within it", () => {
    for (const width of [40, 60, 80, 120]) {
      const lines = renderDag(fan, { color: true, width });
      expect(lines).toHaveLength(52);
      for (const line of lines) expect(plainWidth(line)).toBeLessThanOrEqual(width);
    }
    const merge = renderDag(fan, { color: false, width: 60 }).at(-1)!;
    expect(merge).toMatch(/merge {2}← part_00, .*… \+\d+$/);
  });

  it("cuts a long id with … rather than overflow", () => {
    const [line] = renderDag([{ id: "x".repeat(100), dependsOn: [], state: "queued" }], {
      color: false,
      width: 40,
    });
    expect(line).toBe(`1 └─ ○ queued          ${"x".repeat(16)}…`);
  });

  it("draws a task on a cycle or with an unknown upstream instead of losing it", () => {
    const lines = renderDag(
      [
        { id: "a", dependsOn: ["ghost"], state: "none" },
        { id: "b", dependsOn: ["c"], state: "none" },
        { id: "c", dependsOn: ["b"], state: "none" },
      ],
      { color: false },
    );
    expect(lines).toEqual([
      "1 └─ · none            a  ← ghost",
      "2 ├─ · none            b  ← c",
      "  └─ · none            c  ← b",
    ]);
    expect(renderDag([], { color: false })).toEqual(["(no tasks)"]);
  });

  it("stays linear: a 10,000-task chain and a 20,000-wide fan-in draw one line per task", () => {
    const lines = renderDag(longChain(10_000), { color: false, width: 80 });
    expect(lines).toHaveLength(10_000);
    expect(lines.at(-1)).toBe("10000 └─ · none            t9999  ← t9998");
    const wide: DagTask[] = Array.from({ length: 20_000 }, (_, i) => ({
      id: `u${i}`,
      dependsOn: [],
      state: "success",
    }));
    wide.push({ id: "sink", dependsOn: wide.map((t) => t.id), state: "none" });
    const sink = renderDag(wide, { color: false, width: 80 }).at(-1)!;
    expect(sink).toMatch(/^2 └─ · none {12}sink {2}← u0, u1, .*… \+\d+$/);
    expect(plainWidth(sink)).toBeLessThanOrEqual(80);
  });
});
