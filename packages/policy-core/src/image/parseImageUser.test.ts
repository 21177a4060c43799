import { describe, expect, it } from 'vitest';
import { type ImageUser, imageUserIsRoot, parseImageUser } from './parseImageUser.js';

/**
 * Every form containerd's `getUserFromImage` (strings.Split on ':', strconv.ParseInt(user, 10, 64))
 * and the kubelet's `getImageUser` (neither uid nor name → uid 0) distinguish.
 */
const cases: [input: string, expected: ImageUser, root: boolean][] = [
  ['', { kind: 'none' }, true],
  ['0', { kind: 'uid', uid: 0 }, true],
  ['0:0', { kind: 'uid', uid: 0, group: '0' }, true],
  ['1000', { kind: 'uid', uid: 1000 }, false],
  ['1000:0', { kind: 'uid', uid: 1000, group: '0' }, false],
  ['1000:grp', { kind: 'uid', uid: 1000, group: 'grp' }, false],
  ['1000:', { kind: 'uid', uid: 1000, group: '' }, false],
  [':1000', { kind: 'none', group: '1000' }, true],
  [':', { kind: 'none', group: '' }, true],
  ['app', { kind: 'name', name: 'app' }, false],
  ['app:grp', { kind: 'name', name: 'app', group: 'grp' }, false],
  ['node', { kind: 'name', name: 'node' }, false],
  ['root', { kind: 'name', name: 'root' }, true],
  ['root:root', { kind: 'name', name: 'root', group: 'root' }, true],
  // Only the first ':' separates the user (Go's Split(...)[0]).
  ['1000:1000:extra', { kind: 'uid', uid: 1000, group: '1000:extra' }, false],
  ['2147483647', { kind: 'uid', uid: 2147483647 }, false],
  ['-1', { kind: 'invalid', value: '-1' }, false],
  ['2147483648', { kind: 'invalid', value: '2147483648' }, false],
  ['4294967295', { kind: 'invalid', value: '4294967295' }, false],
  ['4294967295:0', { kind: 'invalid', value: '4294967295', group: '0' }, false],
  ['9223372036854775807', { kind: 'invalid', value: '9223372036854775807' }, false],
  ['-9223372036854775808', { kind: 'invalid', value: '-9223372036854775808' }, false],
  // Beyond int64 ParseInt fails with ErrRange: the runtime reports it as a user name.
  ['9223372036854775808', { kind: 'name', name: '9223372036854775808' }, false],
  // ParseInt accepts a sign and leading zeros; -0 is uid 0.
  ['+1000', { kind: 'uid', uid: 1000 }, false],
  ['007', { kind: 'uid', uid: 7 }, false],
  ['-0', { kind: 'uid', uid: 0 }, true],
  ['+4294967295', { kind: 'invalid', value: '4294967295' }, false],
  // Base 10 only: no hex, no underscores, no spaces; these are names.
  ['0x10', { kind: 'name', name: '0x10' }, false],
  ['1_000', { kind: 'name', name: '1_000' }, false],
  [' 1000', { kind: 'name', name: ' 1000' }, false],
  ['1000 ', { kind: 'name', name: '1000 ' }, false],
  ['+', { kind: 'name', name: '+' }, false],
  ['１０００', { kind: 'name', name: '１０００' }, false],
];

describe('parseImageUser', () => {
  it.each(cases)('reads %j as the runtime does', (input, expected, root) => {
    expect(parseImageUser(input)).toEqual(expected);
    expect(imageUserIsRoot(parseImageUser(input))).toBe(root);
  });
});
