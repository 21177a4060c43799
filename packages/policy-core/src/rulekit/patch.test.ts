import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../engine/jsonPatch.js';
import { appendOnce, fixOf, lazyFixOf, locateField, setField } from './patch.js';

describe('setField', () => {
  it('creates each missing parent empty, only when missing, then adds the leaf', () => {
    expect(
      setField({ name: 'a' }, '/spec/containers/0', ['securityContext', 'allowPrivilegeEscalation'], false),
    ).toEqual([
      { op: 'add', path: '/spec/containers/0/securityContext', value: {}, ifMissing: true },
      { op: 'add', path: '/spec/containers/0/securityContext/allowPrivilegeEscalation', value: false },
    ]);
  });

  it('adds a missing leaf and replaces an existing one', () => {
    const container = { securityContext: { runAsNonRoot: false } };
    expect(setField(container, '/c', ['securityContext', 'allowPrivilegeEscalation'], false)).toEqual([
      { op: 'add', path: '/c/securityContext/allowPrivilegeEscalation', value: false },
    ]);
    expect(setField(container, '/c', ['securityContext', 'runAsNonRoot'], true)).toEqual([
      { op: 'replace', path: '/c/securityContext/runAsNonRoot', value: true },
    ]);
  });

  it('treats a null parent (YAML `securityContext:`) as missing', () => {
    expect(
      setField({ securityContext: null }, '/spec', ['securityContext', 'seccompProfile'], {
        type: 'RuntimeDefault',
      }),
    ).toEqual([
      { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
      { op: 'add', path: '/spec/securityContext/seccompProfile', value: { type: 'RuntimeDefault' } },
    ]);
  });

  it('composes: two fields set through the same missing parent both survive, in either order', () => {
    const spec = { containers: [] };
    const a = setField(spec, '/spec', ['securityContext', 'runAsNonRoot'], true);
    const b = setField(spec, '/spec', ['securityContext', 'runAsUser'], 1000);
    const expected = { spec: { containers: [], securityContext: { runAsNonRoot: true, runAsUser: 1000 } } };
    expect(applyJsonPatch(applyJsonPatch({ spec }, a), b)).toEqual(expected);
    expect(applyJsonPatch(applyJsonPatch({ spec }, b), a)).toEqual(expected);
  });
});

describe('appendOnce', () => {
  it('creates the array when missing and appends an element once', () => {
    const ops = appendOnce({}, '/c', ['securityContext', 'capabilities', 'drop'], 'ALL');
    const once = applyJsonPatch({ c: {} }, ops);
    expect(once).toEqual({ c: { securityContext: { capabilities: { drop: ['ALL'] } } } });
    expect(applyJsonPatch(once, ops)).toEqual(once);
  });
});

describe('locateField', () => {
  it('points at the field, else at the deepest object that should hold it', () => {
    const container = { securityContext: { capabilities: { drop: ['ALL'] }, seccompProfile: null } };
    expect(locateField(container, '/c', ['securityContext', 'capabilities', 'drop'])).toBe(
      '/c/securityContext/capabilities/drop',
    );
    expect(locateField(container, '/c', ['securityContext', 'capabilities', 'add'])).toBe(
      '/c/securityContext/capabilities',
    );
    expect(locateField(container, '/c', ['securityContext', 'seccompProfile', 'type'])).toBe(
      '/c/securityContext',
    );
    expect(locateField({}, '/c', ['securityContext', 'runAsUser'])).toBe('/c');
  });

  it('escapes keys as RFC 6901 tokens', () => {
    expect(locateField({ 'a/b': { '~': 1 } }, '', ['a/b', '~'])).toBe('/a~1b/~0');
  });
});

describe('lazyFixOf', () => {
  const container = { name: 'a' };
  const build = (input: { container: object; calls: number }) => {
    input.calls++;
    return setField(input.container, '/spec/containers/0', ['securityContext', 'runAsNonRoot'], true);
  };
  const eager = () => fixOf('safe', 'Set runAsNonRoot.', build({ container, calls: 0 }));

  it('builds the patch once, when first read', () => {
    const input = { container, calls: 0 };
    const fix = lazyFixOf('safe', 'Set runAsNonRoot.', build, input);
    expect(input.calls).toBe(0);
    expect(fix.kind).toBe('safe');
    expect(input.calls).toBe(0);
    const patch = fix.patch;
    expect(fix.patch).toBe(patch);
    expect(input.calls).toBe(1);
  });

  it('reads as the eager fix: JSON, keys, spreads, equality', () => {
    const lazy = () => lazyFixOf('safe', 'Set runAsNonRoot.', build, { container, calls: 0 });
    expect(JSON.stringify(lazy())).toBe(JSON.stringify(eager()));
    expect(Object.keys(lazy())).toEqual(['kind', 'description', 'patch']);
    expect({ ...lazy() }).toEqual(eager());
    expect(lazy()).toEqual(eager());
    expect(structuredClone(lazy())).toEqual(eager());
  });

  it('builds its patch also when frozen first (a deep freeze of the findings)', () => {
    const fix = Object.freeze(lazyFixOf('safe', 'Set runAsNonRoot.', build, { container, calls: 0 }));
    expect(fix.patch).toEqual(eager()?.patch);
    expect(fix.patch).toBe(fix.patch);
    expect(JSON.stringify(fix)).toBe(JSON.stringify(eager()));
  });

  it('takes a written patch instead of building one', () => {
    const input = { container, calls: 0 };
    const fix = lazyFixOf('safe', 'Set runAsNonRoot.', build, input);
    fix.patch = [{ op: 'remove', path: '/spec/hostNetwork' }];
    expect(fix.patch).toEqual([{ op: 'remove', path: '/spec/hostNetwork' }]);
    expect(input.calls).toBe(0);
    expect(Object.keys(fix)).toEqual(['kind', 'description', 'patch']);
  });
});
