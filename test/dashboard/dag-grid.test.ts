import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { RunGrid, type GridRun } from "../../dashboard/src/components/dag/RunGrid.js";

const tasks = [{ id: "extract" }, { id: "transform" }, { id: "load" }];
const runs: GridRun[] = [
  {
    id: "r1",
    label: "Dec 1",
    state: "success",
    taskStates: { extract: "success", transform: "success", load: "success" },
  },
  {
    id: "r2",
    label: "Dec 2",
    state: "failed",
    taskStates: { extract: "success", transform: "failed", load: "upstream_failed" },
  },
  { id: "r3", state: "running", taskStates: { extract: "running" } },
];

/** The markup's elements matching a test id, as attribute maps (no DOM needed). */
function elements(html: string, testId: string): Record<string, string>[] {
  const tags = html.match(new RegExp(`<[a-z]+ [^>]*data-testid="${testId}"[^>]*>`, "g")) ?? [];
  return tags.map((tag) =>
    Object.fromEntries(
      [...tag.matchAll(/([a-zA-Z-]+)="([^"]*)"/g)].map((m): [string, string] => [m[1]!, m[2]!]),
    ),
  );
}

const render = (props: Parameters<typeof RunGrid>[0]) =>
  renderToStaticMarkup(createElement(RunGrid, props));

describe("RunGrid", () => {
  it("draws one cell per run x task, in its task instance's state and colour", () => {
    const cells = elements(render({ runs, tasks }), "grid-cell");
    expect(cells).toHaveLength(runs.length * tasks.length);
    const at = (run: string, task: string) =>
      cells.find((c) => c["data-run-id"] === run && c["data-task-id"] === task)!;
    expect(at("r2", "transform")["data-state"]).toBe("failed");
    expect(at("r2", "transform").style).toContain("background:red");
    expect(at("r2", "load")["data-state"]).toBe("upstream_failed");
    expect(at("r2", "load").style).toContain("background:orange");
    expect(at("r1", "load").style).toContain("background:green");
    expect(at("r3", "extract").style).toContain("background:lime");
    expect(at("r3", "load")["data-state"]).toBe("none");
    expect(at("r3", "load").style).toContain("background:transparent");
  });

  it("titles each cell with the task, the run and the state", () => {
    const cells = elements(render({ runs, tasks }), "grid-cell");
    const titles = cells.map((c) => c.title);
    expect(titles).toContain("transform · Dec 2 · failed");
    expect(titles).toContain("load · r3 · no status");
  });

  it("puts runs in columns in the order given and tasks in rows", () => {
    const html = render({ runs, tasks });
    expect(elements(html, "grid-run").map((r) => [r["data-run-id"], r["data-state"]])).toEqual([
      ["r1", "success"],
      ["r2", "failed"],
      ["r3", "running"],
    ]);
    const cells = elements(html, "grid-cell");
    expect(cells.slice(0, 3).map((c) => [c["data-task-id"], c["data-run-id"]])).toEqual([
      ["extract", "r1"],
      ["extract", "r2"],
      ["extract", "r3"],
    ]);
  });

  it("has one tab stop: the selected cell, else the first", () => {
    const stops = (html: string) =>
      elements(html, "grid-cell")
        .filter((c) => c.tabindex === "0")
        .map((c) => `${c["data-run-id"]}/${c["data-task-id"]}`);
    expect(stops(render({ runs, tasks }))).toEqual(["r1/extract"]);
    const selected = { runId: "r2", taskId: "load" };
    const html = render({ runs, tasks, selected });
    expect(stops(html)).toEqual(["r2/load"]);
    const pressed = elements(html, "grid-cell").filter((c) => c["aria-pressed"] === "true");
    expect(pressed.map((c) => `${c["data-run-id"]}/${c["data-task-id"]}`)).toEqual(["r2/load"]);
    expect(stops(render({ runs, tasks, selected: { runId: "gone", taskId: "load" } }))).toEqual([
      "r1/extract",
    ]);
  });

  it("calls onSelect with the run and the task of a clicked cell", () => {
    const calls: [string, string][] = [];
    const element = RunGrid({
      runs,
      tasks,
      onSelect: (runId, taskId) => calls.push([runId, taskId]),
    });
    // Find the cell's button in the element tree (cells are plain elements) and click it.
    const clicks: (() => void)[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== "object" || !("props" in node)) return;
      const props = (node as { props: Record<string, unknown> }).props;
      const onClick = props.onClick;
      const isCell = props["data-run-id"] === "r2" && props["data-task-id"] === "transform";
      if (isCell && typeof onClick === "function") clicks.push(onClick as () => void);
      walk(props.children);
    };
    walk(element);
    expect(clicks).toHaveLength(1);
    clicks[0]!();
    expect(calls).toEqual([["r2", "transform"]]);
  });

  it("shows the state legend unless told not to", () => {
    expect(render({ runs, tasks })).toContain('data-testid="state-legend"');
    expect(render({ runs, tasks, legend: false })).not.toContain('data-testid="state-legend"');
  });

  it("renders an empty grid without cells", () => {
    expect(elements(render({ runs: [], tasks }), "grid-cell")).toHaveLength(0);
    expect(elements(render({ runs, tasks: [] }), "grid-cell")).toHaveLength(0);
  });
});
