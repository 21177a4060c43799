import { describe, expect, it } from 'vitest';
import { readBlockYaml, readPodSpecPatch } from './argoPodSpecPatch.js';

describe('readBlockYaml', () => {
  it('reads block mappings and sequences, compact items, quoted and flow scalars, comments', () => {
    const text = [
      '# a pod spec patch',
      'hostNetwork: on',
      'containers:',
      '- name: main # the main container',
      '  securityContext:',
      '    privileged: "true"',
      '    runAsUser: 1_000',
      '    capabilities: {"drop": ["ALL"]}',
      '  args:',
      '    - -c',
      "    - 'it''s'",
      '- name: "side"',
      '  ports: [ ]',
      'nodeSelector:',
      '  kubernetes.io/os: linux',
      'priority: ~',
      'weight: 0.5',
      'empty:',
    ].join('\n');
    expect(readBlockYaml(text)).toEqual({
      value: {
        hostNetwork: true,
        containers: [
          {
            name: 'main',
            securityContext: { privileged: 'true', runAsUser: 1000, capabilities: { drop: ['ALL'] } },
            args: ['-c', "it's"],
          },
          { name: 'side', ports: [] },
        ],
        nodeSelector: { 'kubernetes.io/os': 'linux' },
        priority: null,
        weight: 0.5,
        empty: null,
      },
    });
  });

  it('resolves plain scalars as go-yaml v2 does', () => {
    expect(readBlockYaml('a: yes\nb: No\nc: OFF\nd: y\ne: "yes"\nf: 012x\ng: -3\nh: Null')).toEqual({
      value: { a: true, b: false, c: false, d: true, e: 'yes', f: '012x', g: -3, h: null },
    });
  });

  it.each([
    ['an anchor', 'a: &x 1\nb: *x'],
    ['a block scalar', 'a: |\n  text'],
    ['a tag', 'a: !!str 1'],
    ['a tab in the indentation', 'a:\n\tb: 1'],
    ['a multi-line plain scalar', 'a: one\n  two'],
    ['a repeated key', 'a: 1\na: 2'],
    ['a second document', 'a: 1\n---\nb: 2'],
    ['text that is not a mapping', 'a: 1\njust text'],
  ])('says what it does not read: %s', (_, text) => {
    expect(readBlockYaml(text)).toEqual({ problem: expect.any(String) });
  });

  it('reads a long patch in one pass', () => {
    const items = Array.from({ length: 5000 }, (_, index) => `- name: c${index}\n  image: i`).join('\n');
    const read = readBlockYaml(`containers:\n${items}`);
    expect('value' in read && (read.value as { containers: unknown[] }).containers).toHaveLength(5000);
  });
});

describe('readPodSpecPatch', () => {
  it('reads JSON and YAML pod spec patches', () => {
    expect(readPodSpecPatch('{"hostPID": true}', '/p')).toEqual({ patch: { hostPID: true } });
    expect(readPodSpecPatch('hostPID: true\n', '/p')).toEqual({ patch: { hostPID: true } });
    expect(readPodSpecPatch('', '/p')).toEqual({ patch: {} });
  });

  it.each([
    ['{{workflow.parameters.patch}}', 'an Argo {{...}} expression'],
    ['[1, 2]', 'not a pod spec object'],
    ['{"containers": [{"$patch": "replace"}]}', 'strategic merge directive'],
    ['{"hostPID": tru', 'YAML podguard does not read'],
  ])('%j cannot be judged', (text, why) => {
    const read = readPodSpecPatch(text, '/spec/podSpecPatch');
    expect(read).toEqual({ problem: expect.stringContaining(why) });
    expect(read).toEqual({ problem: expect.stringMatching(/^\/spec\/podSpecPatch cannot be judged/) });
  });
});

describe('hostile patches', () => {
  it('a deeply nested patch is reported, not recursed into', () => {
    const deep = `${'['.repeat(40_000)}${']'.repeat(40_000)}`;
    expect(readPodSpecPatch(`{"a": ${deep}}`, '/p')).toEqual({ problem: expect.stringContaining('deeper') });
    const compact = `a:\n  ${'- '.repeat(40_000)}x`;
    expect(readPodSpecPatch(compact, '/p')).toEqual({ problem: expect.stringContaining('deeper') });
  });

  it('a __proto__ key is an own field of the patch, never a prototype', () => {
    const read = readPodSpecPatch('{"securityContext": {"__proto__": {"runAsNonRoot": true}}}', '/p');
    expect('patch' in read).toBe(true);
    if (!('patch' in read)) return;
    const context = read.patch.securityContext as Record<string, unknown>;
    expect(Object.getPrototypeOf(context)).toBe(Object.prototype);
    expect(context.runAsNonRoot).toBeUndefined();
  });
});
