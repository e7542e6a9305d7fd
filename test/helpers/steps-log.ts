/**
 * Reading the steps log test/fixtures/stop-worker.ts writes: one JSON line per step done
 * (`{"g":generation,"step":n}`) and one per stop its handler saw
 * (`{"g":generation,"stopped":next,"reason":code}`).
 */
import fs from "node:fs";

/** A step done by generation `g`. */
export interface StepLine {
  readonly g: number;
  readonly step: number;
}

/** A stop the handler of generation `g` saw, at step `stopped`, with its signal's reason code. */
export interface StopLine {
  readonly g: number;
  readonly stopped: number;
  readonly reason: string | null;
}

/** The log's lines so far (none while the file does not exist yet). */
export function readStepsLog(file: string): { steps: StepLine[]; stops: StopLine[] } {
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  // The last piece is "" after the final newline, or a line still being written: left out.
  const lines = text
    .split("\n")
    .slice(0, -1)
    .map((l) => JSON.parse(l) as StepLine | StopLine);
  return {
    steps: lines.filter((l): l is StepLine => "step" in l),
    stops: lines.filter((l): l is StopLine => "stopped" in l),
  };
}

/** `[g, step]` for steps `from` to `to - 1` of generation `g`: what "each step once" expects. */
export function stepRange(g: number, from: number, to: number): [number, number][] {
  return Array.from({ length: to - from }, (_, i) => [g, from + i]);
}
