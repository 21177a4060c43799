import { describe, expect, it } from 'vitest';
import type { PodView } from '../model/views.js';
import { extractObject } from '../podspec/extract.js';
import { runsOnWindows } from './podRelaxations.js';

/** The pod view of a Pod with `spec` fields besides one container. */
function view(spec: Record<string, unknown>): PodView {
  const extracted = extractObject({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'c:1' }], ...spec },
  });
  if (extracted.kind !== 'pod') throw new Error(`not a pod: ${extracted.kind}`);
  return extracted.views[0] as PodView;
}

const windowsTerm = {
  matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['windows'] }],
};
const affinity = (...terms: unknown[]) => ({
  nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
});

describe('runsOnWindows', () => {
  it.each<[string, Record<string, unknown>, boolean]>([
    ['spec.os.name windows', { os: { name: 'windows' } }, true],
    ['spec.os.name linux', { os: { name: 'linux' } }, false],
    ['a windows nodeSelector', { nodeSelector: { 'kubernetes.io/os': 'windows' } }, true],
    ['a linux nodeSelector', { nodeSelector: { 'kubernetes.io/os': 'linux' } }, false],
    ['every required term windows', { affinity: affinity(windowsTerm, windowsTerm) }, true],
    ['one term of two windows (terms are ORed)', { affinity: affinity(windowsTerm, {}) }, false],
    ['no terms', { affinity: affinity() }, false],
    ['nothing', {}, false],
  ])('%s: %s', (_, spec, expected) => {
    expect(runsOnWindows(view(spec))).toBe(expected);
  });

  it('answers each pod for itself when asked of several in turn (rules ask it of one pod after another)', () => {
    const windows = view({ os: { name: 'windows' } });
    const linux = view({});
    for (let round = 0; round < 3; round++) {
      expect(runsOnWindows(windows)).toBe(true);
      expect(runsOnWindows(windows)).toBe(true);
      expect(runsOnWindows(linux)).toBe(false);
      expect(runsOnWindows(linux)).toBe(false);
    }
  });
});
