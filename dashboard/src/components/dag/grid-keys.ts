/**
 * @module dashboard/components/dag/grid-keys
 * Keyboard movement in the run grid: which cell a key moves to, as a pure function of the key,
 * the current cell and the grid's size.
 */

/** A cell's row (task) and column (run), from 0. */
export interface GridCell {
  readonly row: number;
  readonly col: number;
}

/** The grid's size. */
export interface GridSize {
  readonly rows: number;
  readonly cols: number;
}

/** The size a rendered grid table declares in its `data-rows` / `data-cols`. */
export function grid(table: { dataset: Record<string, string | undefined> }): GridSize {
  return { rows: Number(table.dataset.rows ?? 0), cols: Number(table.dataset.cols ?? 0) };
}

/**
 * The cell `key` moves to from `at`, or null when the key is not a move or would leave the
 * grid: arrows step one cell, Home / End go to the row's first / last run.
 */
export function moveInGrid(key: string, at: GridCell, size: GridSize): GridCell | null {
  const to = ((): GridCell | null => {
    switch (key) {
      case "ArrowUp":
        return { row: at.row - 1, col: at.col };
      case "ArrowDown":
        return { row: at.row + 1, col: at.col };
      case "ArrowLeft":
        return { row: at.row, col: at.col - 1 };
      case "ArrowRight":
        return { row: at.row, col: at.col + 1 };
      case "Home":
        return { row: at.row, col: 0 };
      case "End":
        return { row: at.row, col: size.cols - 1 };
      default:
        return null;
    }
  })();
  if (!to || to.row < 0 || to.col < 0 || to.row >= size.rows || to.col >= size.cols) return null;
  return to.row === at.row && to.col === at.col ? null : to;
}
