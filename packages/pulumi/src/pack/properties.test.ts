/**
 * Resource properties read as a plain object: every own key kept as it came, a `__proto__` key
 * (JSON.parse makes one an own property) included, and nothing read from a prototype.
 */
import { describe, expect, it } from 'vitest';
import { copyForRemediation, readProperties } from './properties.js';

const DEPLOYMENT = { apiVersion: 'apps/v1', kind: 'Deployment' };

describe('readProperties', () => {
  it('keeps a __proto__ key as an own property and leaves the prototype alone', () => {
    const props = JSON.parse(
      '{"metadata":{"name":"web","__proto__":{"polluted":true}},"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app"}]}}}}',
    );
    const { object, unknowns } = readProperties(props, DEPLOYMENT);
    const metadata = object.metadata as Record<string, unknown>;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(metadata, '__proto__')).toBe(true);
    expect((metadata as { polluted?: unknown }).polluted).toBeUndefined();
    expect(JSON.stringify(object)).toBe(
      '{"metadata":{"name":"web","__proto__":{"polluted":true}},"spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"app"}]}}},"apiVersion":"apps/v1","kind":"Deployment"}',
    );
    expect(unknowns).toEqual([]);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('copies for remediation without sharing objects with the input', () => {
    const props = { spec: { template: { spec: { containers: [{ name: 'app' }] } } } };
    const copied = copyForRemediation(props);
    expect(copied).toEqual(props);
    expect(copied.spec).not.toBe(props.spec);
  });
});
