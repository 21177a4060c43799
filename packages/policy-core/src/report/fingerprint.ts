/**
 * A tiny stable hash for SARIF `partialFingerprints`: code scanning matches alerts across runs
 * by it, so it must not depend on line numbers and must be identical on every platform.
 */

/**
 * 64 bits as 16 hex digits: 32-bit FNV-1a and 32-bit djb2 over the UTF-16 code units,
 * side by side (two independent hashes make a collision between findings in one repository
 * negligible without BigInt arithmetic).
 */
export function stableHash(text: string): string {
  let fnv = 0x811c9dc5;
  let djb = 5381;
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    fnv = Math.imul(fnv ^ unit, 0x01000193) >>> 0;
    djb = (Math.imul(djb, 33) + unit) >>> 0;
  }
  return fnv.toString(16).padStart(8, '0') + djb.toString(16).padStart(8, '0');
}
