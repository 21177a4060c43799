import { describe, expect, it } from 'vitest';
import { PodguardInputError } from '../model/errors.js';
import { evaluate } from './evaluate.js';

const spec = { containers: [{ name: 'app', image: 'app:1' }] };
const deployment = (identity: Record<string, unknown>) => ({
  ...identity,
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: {}, template: { metadata: {}, spec } },
});

describe('a document that is not a Kubernetes object is an invalidInput finding (issue 19)', () => {
  it.each<[name: string, identity: Record<string, unknown>, path: string, message: string]>([
    ['no apiVersion', { kind: 'Deployment' }, '', 'not a Kubernetes object: apiVersion is missing'],
    ['no kind', { apiVersion: 'apps/v1' }, '', 'not a Kubernetes object: kind is missing'],
    ['neither', {}, '', 'not a Kubernetes object: apiVersion is missing'],
    [
      'apiVersion: 1',
      { apiVersion: 1, kind: 'Deployment' },
      '/apiVersion',
      'not a Kubernetes object: apiVersion must be a non-empty string, got a number (1)',
    ],
    [
      'kind: true',
      { apiVersion: 'apps/v1', kind: true },
      '/kind',
      'not a Kubernetes object: kind must be a non-empty string, got a boolean (true)',
    ],
    [
      'empty kind',
      { apiVersion: 'apps/v1', kind: '' },
      '/kind',
      'not a Kubernetes object: kind must be a non-empty string, got a string ("")',
    ],
  ])('%s', (_, identity, path, message) => {
    const result = evaluate(deployment(identity), { profile: 'restricted' });
    const invalid = result.findings.filter((f) => f.rule === 'invalidInput');
    expect(invalid.map((f) => [f.status, f.locations[0]?.path, f.message])).toEqual([
      ['error', path, expect.stringContaining(message)],
    ]);
    expect(invalid[0]?.resource.name).toBe('web');
  });

  it('reads apiVersion and kind as own properties only', () => {
    const inherited = Object.create({ apiVersion: 'v1', kind: 'Pod' }) as Record<string, unknown>;
    inherited.metadata = { name: 'p' };
    inherited.spec = spec;
    // Not JSON data: refused at the door, so validation and rules never read inherited fields.
    expect(() => evaluate(inherited)).toThrow(PodguardInputError);
    expect(() => evaluate(inherited)).toThrow(
      'input is not JSON data: an object with an inherited prototype',
    );
  });

  it('items of a List are named by their index', () => {
    const list = { apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'p' }, spec }] };
    const invalid = evaluate(list).findings.filter((f) => f.rule === 'invalidInput');
    expect(invalid.map((f) => f.locations[0]?.path)).toEqual(['/items/0']);
  });
});
