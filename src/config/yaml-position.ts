/**
 * @module config/yaml-position
 * Map a field path (`["functions", 0, "cron"]`) back to where it is written in the YAML
 * source, so every config error can name `file:line:column`. When the path does not exist in
 * the document (a missing field), the position of its nearest existing parent is used.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter } from "yaml";

/** A 1-based position in the source. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** The offset in the source where a field (or its key, with `atKey`) is written. */
export function offsetOfPath(
  doc: Document,
  path: readonly (string | number)[],
  options: { atKey?: boolean } = {},
): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const last = i === path.length - 1;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (pair === undefined) return offset;
      const keyStart = rangeStart(pair.key) ?? offset;
      // An empty value (`cron:` with nothing after it) is best shown at its key.
      const valueStart = isEmptyScalar(pair.value) ? null : rangeStart(pair.value);
      if (last && options.atKey === true) return keyStart;
      offset = valueStart ?? keyStart;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) return offset;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      return offset;
    }
  }
  return offset;
}

/** Turn a source offset into a 1-based line and column. */
export function positionAt(lineCounter: LineCounter, offset: number): SourcePosition {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

function rangeStart(node: unknown): number | null {
  if (node !== null && typeof node === "object" && "range" in node) {
    const range = (node as { range?: readonly number[] | null }).range;
    if (range && typeof range[0] === "number") return range[0];
  }
  return null;
}

function isEmptyScalar(node: unknown): boolean {
  return (
    node === null ||
    node === undefined ||
    (isScalar(node) && node.source === "" && node.value === null)
  );
}
