/**
 * How the container runtime and the kubelet read an OCI image config `User` string.
 *
 * containerd, CRI-O and cri-dockerd share one `getUserFromImage`: an empty string is "no user";
 * otherwise everything after the first `:` (the group) is dropped and the rest goes through Go's
 * `strconv.ParseInt(user, 10, 64)`; if that fails the rest is a user name (even when empty, as in
 * `":1000"`). The kubelet's `getImageUser` then treats "neither uid nor name" as uid 0, and
 * `verifyRunAsNonRoot` accepts uids for which `validation.IsValidUserID` holds (0..2147483647).
 */
import { requireString } from '../model/inputGuard.js';

/** The largest UID the kubelet accepts (`math.MaxInt32`). */
const MAX_UID = 2_147_483_647n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** What `strconv.ParseInt(s, 10, 64)` accepts syntactically: an optional sign and decimal digits. */
const GO_DECIMAL = /^[+-]?[0-9]+$/;

/**
 * An image `User` as the kubelet sees it.
 * - `none`: no uid and no name (`""`, or `":1000"` whose user part is empty); the kubelet treats it as uid 0.
 * - `uid`: a numeric user in 0..2147483647 (0 is root).
 * - `name`: a non-numeric user (`app`, `root`, or a number too large for int64); the kubelet cannot verify it.
 * - `invalid`: a number that parses as int64 but is outside 0..2147483647 (`-1`, `4294967295`).
 *
 * `group` is the text after the first `:`, when there is one (the kubelet ignores it).
 */
export type ImageUser =
  | { readonly kind: 'none'; readonly group?: string }
  | { readonly kind: 'uid'; readonly uid: number; readonly group?: string }
  | { readonly kind: 'name'; readonly name: string; readonly group?: string }
  | { readonly kind: 'invalid'; readonly value: string; readonly group?: string };

/**
 * Parses an OCI image config `User` string exactly as containerd's CRI `getUserFromImage` and
 * the kubelet's `getImageUser` do.
 *
 * @example parseImageUser('1000:0') // { kind: 'uid', uid: 1000, group: '0' }
 * @example parseImageUser('node') // { kind: 'name', name: 'node' }
 * @example parseImageUser(':1000') // { kind: 'none', group: '1000' } (runs as root)
 * @example parseImageUser('4294967295') // { kind: 'invalid', value: '4294967295' }
 */
export function parseImageUser(user: string): ImageUser {
  requireString(user, 'user');
  if (user === '') return { kind: 'none' };
  const colon = user.indexOf(':');
  const head = colon === -1 ? user : user.slice(0, colon);
  const group = colon === -1 ? undefined : { group: user.slice(colon + 1) };
  if (GO_DECIMAL.test(head)) {
    const value = BigInt(head);
    if (value >= INT64_MIN && value <= INT64_MAX) {
      // Inside int64: a uid for the runtime; valid or not is the kubelet's question.
      if (value >= 0n && value <= MAX_UID) return { kind: 'uid', uid: Number(value), ...group };
      return { kind: 'invalid', value: value.toString(), ...group };
    }
    // ParseInt fails with ErrRange, so the runtime reports the text as a user name.
  }
  // An empty name is what the runtime reports as "no user" (`":1000"`), i.e. root.
  if (head === '') return { kind: 'none', ...group };
  return { kind: 'name', name: head, ...group };
}

/** True when the image user makes the process run as uid 0 (no user, `0`, `root`). */
export function imageUserIsRoot(user: ImageUser): boolean {
  return (
    user.kind === 'none' ||
    (user.kind === 'uid' && user.uid === 0) ||
    (user.kind === 'name' && user.name === 'root')
  );
}
