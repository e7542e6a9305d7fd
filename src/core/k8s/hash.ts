/**
 * @module core/k8s/hash
 * A small, pure, deterministic hash (64-bit FNV-1a over the UTF-8 bytes) for names and
 * annotations of exported manifests. Not cryptographic: it only has to tell names apart.
 */

const OFFSET = 0xcbf29ce484222325n;
const PRIME = 0x100000001b3n;
const MASK = (1n << 64n) - 1n;

/** The 64-bit FNV-1a hash of `text` (UTF-8) as 16 lowercase hex digits; same input, same output. */
export function fnv1a64(text: string): string {
  let h = OFFSET;
  for (const byte of new TextEncoder().encode(text)) {
    h = ((h ^ BigInt(byte)) * PRIME) & MASK;
  }
  return h.toString(16).padStart(16, "0");
}
