import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { DagDrawing, DagNode, nodeLabel } from "../../dashboard/src/components/dag/DagDrawing.js";
import { DagGraph } from "../../dashboard/src/components/dag/DagGraph.js";
import { layoutDag, type LayoutTask } from "../../dashboard/src/components/dag/layout.js";
import { STATE_STYLES, TASK_STATES } from "../../dashboard/src/components/dag/states.js";

const diamond: LayoutTask[] = [
  { id: "extract", dependsOn: [] },
  { id: "clean", dependsOn: ["extract"] },
  { id: "enrich", dependsOn: ["extract"] },
  { id: "load", dependsOn: ["clean", "enrich"] },
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

/** The fill of each task's box, read from the markup after its `<g>`. */
function fills(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(
    /data-task-id="([^"]+)"[^>]*>(?:<title>[^<]*<\/title>)?<rect[^>]* fill="([^"]+)"/g,
  )) {
    out[m[1]!] = m[2]!;
  }
  return out;
}

describe("DagDrawing", () => {
  it("draws one node per task with its state and colour, and one edge per dependency", async () => {
    const layout = await layoutDag(diamond);
    const html = renderToStaticMarkup(
      createElement(DagDrawing, {
        layout,
        states: { extract: "success", clean: "running", enrich: "failed" },
      }),
    );
    expect(elements(html, "dag")).toHaveLength(1);
    const nodes = elements(html, "dag-node");
    expect(nodes.map((n) => [n["data-task-id"], n["data-state"]]).sort()).toEqual([
      ["clean", "running"],
      ["enrich", "failed"],
      ["extract", "success"],
      ["load", "none"],
    ]);
    expect(fills(html)).toEqual({
      extract: "green",
      clean: "lime",
      enrich: "red",
      load: "transparent",
    });
    expect(elements(html, "dag-edge")).toHaveLength(4);
    for (const n of nodes) expect(n.tabindex).toBe("0");
  });

  it("paints every known state in Airflow's colour and unknown text as none", async () => {
    const tasks = [...TASK_STATES, "bogus"].map((s) => ({ id: `t-${s}`, dependsOn: [] }));
    const layout = await layoutDag(tasks);
    const states = Object.fromEntries([...TASK_STATES, "bogus"].map((s) => [`t-${s}`, s]));
    const html = renderToStaticMarkup(createElement(DagDrawing, { layout, states }));
    const byId = Object.fromEntries(
      elements(html, "dag-node").map((n) => [n["data-task-id"], n["data-state"]]),
    );
    expect(byId["t-bogus"]).toBe("none");
    expect(fills(html)).toMatchObject({
      "t-scheduled": "tan",
      "t-queued": "gray",
      "t-running": "lime",
      "t-success": "green",
      "t-failed": "red",
      "t-up_for_retry": "gold",
      "t-upstream_failed": "orange",
      "t-skipped": "hotpink",
      "t-removed": "lightgrey",
      "t-stopped": "mediumpurple",
      "t-bogus": "transparent",
    });
  });

  it("keeps its size and node positions when only the states change", async () => {
    const layout = await layoutDag(diamond);
    const render = (states: Record<string, string>) =>
      renderToStaticMarkup(createElement(DagDrawing, { layout, states }));
    const geometry = (html: string) => ({
      svg: elements(html, "dag").map((s) => [s.width, s.height, s.viewBox]),
      nodes: elements(html, "dag-node").map((n) => [n["data-task-id"], n.transform]),
    });
    const before = render({ extract: "queued" });
    const after = render({ extract: "success", clean: "up_for_retry", load: "upstream_failed" });
    expect(geometry(after)).toEqual(geometry(before));
    expect(Number(elements(before, "dag")[0]!.width)).toBe(layout.width);
  });

  it("marks the selected task", async () => {
    const layout = await layoutDag(diamond);
    const html = renderToStaticMarkup(
      createElement(DagDrawing, { layout, states: {}, selected: "clean" }),
    );
    const pressed = elements(html, "dag-node").filter((n) => n["aria-pressed"] === "true");
    expect(pressed.map((n) => n["data-task-id"])).toEqual(["clean"]);
  });

  it("cuts long task ids to fit the box", () => {
    expect(nodeLabel("short")).toBe("short");
    const long = nodeLabel("a_really_long_task_identifier_for_a_box");
    expect(long.length).toBeLessThanOrEqual(22);
    expect(long.endsWith("…")).toBe(true);
  });
});

describe("DagNode", () => {
  const node = { id: "load", x: 10, y: 20, width: 168, height: 36 };
  /** The props of the box's `<g>` (DagNode uses no hooks, so it can be called directly). */
  function gProps(onSelect: (id: string) => void) {
    return DagNode({ node, state: "queued", selected: false, onSelect }).props as {
      onClick: () => void;
      onKeyDown: (e: { key: string; preventDefault: () => void }) => void;
    };
  }

  it("selects its task on a click, Enter and Space, not on other keys", () => {
    const picked: string[] = [];
    const g = gProps((id) => picked.push(id));
    let prevented = 0;
    const key = (k: string) => g.onKeyDown({ key: k, preventDefault: () => (prevented += 1) });
    g.onClick();
    key("Enter");
    key(" ");
    key("a");
    key("Tab");
    expect(picked).toEqual(["load", "load", "load"]);
    expect(prevented).toBe(2);
  });
});

describe("DagGraph", () => {
  it("renders an empty, busy svg and the legend until the layout is ready", () => {
    const html = renderToStaticMarkup(createElement(DagGraph, { tasks: diamond, states: {} }));
    expect(elements(html, "dag").map((s) => s["aria-busy"])).toEqual(["true"]);
    expect(elements(html, "dag-node")).toHaveLength(0);
    const legend = html.match(/<li data-state="([a-z_]+)"/g) ?? [];
    expect(legend).toHaveLength(TASK_STATES.length);
    for (const state of TASK_STATES) {
      expect(html).toContain(`background:${STATE_STYLES[state].fill}`);
    }
  });

  it("leaves the legend out when told to", () => {
    const html = renderToStaticMarkup(
      createElement(DagGraph, { tasks: diamond, states: {}, legend: false }),
    );
    expect(html).not.toContain('data-testid="state-legend"');
    expect(elements(html, "dag")).toHaveLength(1);
  });
});
