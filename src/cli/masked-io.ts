/**
 * @module cli/masked-io
 * The CLI's output with credentials hidden: every line it prints, on stdout and stderr (store
 * lines, errors, `kairos dev`'s event lines, commander's messages), goes through
 * `maskText` (core/secrets): URL passwords and `password=` parameters become `***`, and so do
 * the literal secrets of the store URLs the user gave, wherever they appear.
 */
import { maskText, urlSecrets } from "../core/secrets.js";
import type { Io } from "./output.js";

/**
 * `io` with every line masked. `storeUrls` is asked at each line for the store URLs in play
 * (`--store`, `KAIROS_STORE`, ...), whose secrets are scrubbed too.
 */
export function maskedIo(io: Io, storeUrls: () => readonly (string | undefined)[]): Io {
  const secrets = (): string[] => storeUrls().flatMap((url) => (url ? urlSecrets(url) : []));
  return {
    out: (line) => io.out(maskText(line, secrets())),
    err: (line) => io.err(maskText(line, secrets())),
    ...(io.readStdin ? { readStdin: io.readStdin.bind(io) } : {}),
  };
}
