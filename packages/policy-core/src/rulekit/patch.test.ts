import { describe, expect, it } from 'vitest';
import { locateField, setField } from './patch.js';

describe('setField', () => {
  it('adds the first missing object whole', () => {
    expect(
      setField({ name: 'a' }, '/spec/containers/0', ['securityContext', 'allowPrivilegeEscalation'], false),
    ).toEqual({
      op: 'add',
      path: '/spec/containers/0/securityContext',
      value: { allowPrivilegeEscalation: false },
    });
  });

  it('adds a missing leaf and replaces an existing one', () => {
    const container = { securityContext: { runAsNonRoot: false } };
    expect(setField(container, '/c', ['securityContext', 'allowPrivilegeEscalation'], false)).toEqual({
      op: 'add',
      path: '/c/securityContext/allowPrivilegeEscalation',
      value: false,
    });
    expect(setField(container, '/c', ['securityContext', 'runAsNonRoot'], true)).toEqual({
      op: 'replace',
      path: '/c/securityContext/runAsNonRoot',
      value: true,
    });
  });

  it('replaces a null parent (YAML `securityContext:`) with the whole object', () => {
    expect(
      setField({ securityContext: null }, '/spec', ['securityContext', 'seccompProfile'], {
        type: 'RuntimeDefault',
      }),
    ).toEqual({
      op: 'replace',
      path: '/spec/securityContext',
      value: { seccompProfile: { type: 'RuntimeDefault' } },
    });
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
