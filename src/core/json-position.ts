/**
 * @module core/json-position
 * Where JSON text stops being valid. `JSON.parse` reports a position for some errors only
 * (Node 20: not for "Unexpected token"), so the CLI finds it with this small scanner of the
 * JSON grammar (RFC 8259) to tell the user the line and column.
 */

const WS = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// JSON strings may not hold raw control characters (U+0000 to U+001F).
// eslint-disable-next-line no-control-regex
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** The offset of the first character that makes `text` invalid JSON, or null when it is valid. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (at: number): never => {
    throw new Offset(at);
  };
  const skip = () => {
    while (i < text.length && WS.has(text[i]!)) i++;
  };
  const match = (re: RegExp) => {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) fail(i);
    i = re.lastIndex;
  };
  const expect = (c: string) => (text[i] === c ? i++ : fail(i));
  const list = (close: string, item: () => void) => {
    i++;
    skip();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      skip();
      if (text[i] === close) return void i++;
      expect(",");
      skip();
    }
  };
  const value = (): void => {
    skip();
    const c = text[i];
    if (c === "{") {
      list("}", () => {
        if (text[i] !== '"') fail(i);
        match(STRING);
        skip();
        expect(":");
        value();
      });
    } else if (c === "[") list("]", value);
    else if (c === '"') match(STRING);
    else if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) match(NUMBER);
    else {
      const word = ["true", "false", "null"].find((w) => text.startsWith(w, i));
      if (word === undefined) fail(i);
      i += word!.length;
    }
  };
  try {
    value();
    skip();
    return i < text.length ? i : null;
  } catch (error) {
    if (error instanceof Offset) return error.at;
    throw error;
  }
}

/** Thrown inside the scanner to unwind to the offset of the first error. */
class Offset extends Error {
  constructor(readonly at: number) {
    super(`invalid JSON at ${at}`);
  }
}
