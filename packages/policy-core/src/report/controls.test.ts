import { describe, expect, it } from 'vitest';
import { analyzeDockerfile } from '../dockerfile/analyzeDockerfile.js';
import { evaluate } from '../engine/evaluate.js';
import { type ControlledFinding, controlFramework, groupByControl } from './controls.js';

const finding = (
  rule: string,
  status: ControlledFinding['status'],
  controls: string[],
): ControlledFinding => ({
  rule,
  status,
  controls,
});

describe('groupByControl', () => {
  it('groups by control, counts statuses and orders frameworks and ids naturally', () => {
    const a = finding('runAsRoot', 'fail', [
      'ISO 27001:2013 A.12.6.1',
      'CIS 5.2.7',
      'ISO 27001:2013 A.9.4.4',
    ]);
    const b = finding('runAsNonRoot', 'suppressed', [
      'CIS 5.2.7',
      'PSS restricted: Running as Non-root',
      'CIS 5.2.10',
    ]);
    const c = finding('privileged', 'error', [
      'CIS 5.2.10',
      'NSA/CISA: Kubernetes Pod security',
      'Custom 1',
      'CIS 5.2.10',
    ]);
    const groups = groupByControl([a, b, c]);
    expect(
      groups.map((group) => [
        group.control,
        group.framework,
        group.rules,
        group.failed,
        group.suppressed,
        group.errors,
      ]),
    ).toEqual([
      ['PSS restricted: Running as Non-root', 'PSS', ['runAsNonRoot'], 0, 1, 0],
      ['CIS 5.2.7', 'CIS Kubernetes', ['runAsNonRoot', 'runAsRoot'], 1, 1, 0],
      ['CIS 5.2.10', 'CIS Kubernetes', ['privileged', 'runAsNonRoot'], 0, 1, 1],
      ['NSA/CISA: Kubernetes Pod security', 'NSA/CISA', ['privileged'], 0, 0, 1],
      ['ISO 27001:2013 A.9.4.4', 'ISO 27001', ['runAsRoot'], 1, 0, 0],
      ['ISO 27001:2013 A.12.6.1', 'ISO 27001', ['runAsRoot'], 1, 0, 0],
      ['Custom 1', 'other', ['privileged'], 0, 0, 1],
    ]);
    expect(groups[1]?.findings).toEqual([a, b]);
  });

  it('returns no groups for no findings', () => {
    expect(groupByControl([])).toEqual([]);
  });

  it('takes evaluate() and analyzeDockerfile() findings alike', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'a', image: 'a' }] },
    };
    const groups = groupByControl([...evaluate(pod).findings, ...analyzeDockerfile('FROM alpine')]);
    const cis527 = groups.find((group) => group.control === 'CIS 5.2.7');
    expect(cis527?.rules).toEqual(
      expect.arrayContaining(['dockerfileUser', 'runAsNonRoot', 'runAsUserRange']),
    );
    expect(controlFramework('CIS Docker 4.1')).toBe('CIS Docker');
  });
});
