/**
 * How harden names the object whose fixes do not settle (the text of the error fixObject throws,
 * a podguard bug no input reaches): its index in the input and, for a List item, its place.
 */
import { describe, expect, it, vi } from 'vitest';

const named: string[] = [];
vi.mock('./fixObject.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./fixObject.js')>();
  return {
    ...actual,
    fixObject: (...args: Parameters<typeof actual.fixObject>) => {
      named.push(args[3]());
      return actual.fixObject(...args);
    },
  };
});

const { createHardening } = await import('./harden.js');

const pod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop' },
  spec: { containers: [{ name, image: `${name}:1` }] },
});

describe('harden names each object it fixes', () => {
  it('by its index, and a List item by its place in the List', () => {
    named.length = 0;
    const list = { apiVersion: 'v1', kind: 'List', items: [pod('a'), pod('b')] };
    createHardening().harden([pod('c'), list], { firstIndex: 3 });
    expect(named).toEqual(['object 3', 'object 4 at /items/0', 'object 4 at /items/1']);
  });
});
