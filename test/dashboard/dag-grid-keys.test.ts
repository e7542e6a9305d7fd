import { describe, expect, it } from "vitest";
import { grid, moveInGrid } from "../../dashboard/src/components/dag/grid-keys.js";

describe("moveInGrid", () => {
  const size = { rows: 3, cols: 4 };
  it("steps with the arrows, jumps with Home and End, stays inside the grid", () => {
    expect(moveInGrid("ArrowDown", { row: 0, col: 1 }, size)).toEqual({ row: 1, col: 1 });
    expect(moveInGrid("ArrowUp", { row: 1, col: 1 }, size)).toEqual({ row: 0, col: 1 });
    expect(moveInGrid("ArrowRight", { row: 1, col: 1 }, size)).toEqual({ row: 1, col: 2 });
    expect(moveInGrid("ArrowLeft", { row: 1, col: 1 }, size)).toEqual({ row: 1, col: 0 });
    expect(moveInGrid("Home", { row: 2, col: 3 }, size)).toEqual({ row: 2, col: 0 });
    expect(moveInGrid("End", { row: 2, col: 0 }, size)).toEqual({ row: 2, col: 3 });
    expect(moveInGrid("ArrowUp", { row: 0, col: 0 }, size)).toBeNull();
    expect(moveInGrid("ArrowRight", { row: 0, col: 3 }, size)).toBeNull();
    expect(moveInGrid("Home", { row: 0, col: 0 }, size)).toBeNull();
    expect(moveInGrid("Enter", { row: 0, col: 0 }, size)).toBeNull();
  });
});

describe("grid", () => {
  it("reads the size a grid table declares", () => {
    expect(grid({ dataset: { rows: "3", cols: "25" } })).toEqual({ rows: 3, cols: 25 });
    expect(grid({ dataset: {} })).toEqual({ rows: 0, cols: 0 });
  });
});
