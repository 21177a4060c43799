/**
 * Fixes on the real-world corpus (test/real-world, issue 11 "Done when"), through harden(), the
 * cdk8s path and the Pulumi path. For each:
 * - no value the author wrote is changed or removed;
 * - no namespace enforce label rejects a pod of the input;
 * - what is left has only findings whose fix is unsafe or absent;
 * - hardening again changes nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodSecurity } from '@podguard/cdk8s';
import { checkPod, evaluate, flattenLists, harden, POD_KINDS, type PssLevel } from '@podguard/policy-core';
import { CHECKED_TYPES, hardenResourceProps } from '@podguard/pulumi';
import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
};

const corpusDir = fileURLToPath(new URL('./real-world/', import.meta.url));
const files = readdirSync(corpusDir).filter((name) => name.endsWith('.yaml'));

/** Every document of the corpus, Lists flattened into their items. */
function corpus(): Manifest[] {
  const out: Manifest[] = [];
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(join(corpusDir, file), 'utf8'))) {
      const value = document.toJS() as unknown;
      for (const { object } of flattenLists(value)) out.push(object as Manifest);
    }
  }
  return out;
}

/** Every leaf of `before` is in `after` with the same value (arrays may only grow at the end). */
function changedOrRemoved(before: unknown, after: unknown, path = ''): string[] {
  if (Array.isArray(before)) {
    if (!Array.isArray(after)) return [path];
    return before.flatMap((item, index) => changedOrRemoved(item, after[index], `${path}/${index}`));
  }
  if (before !== null && typeof before === 'object') {
    if (after === null || typeof after !== 'object' || Array.isArray(after)) return [path];
    const record = after as Record<string, unknown>;
    return Object.entries(before).flatMap(([key, value]) =>
      Object.hasOwn(record, key)
        ? changedOrRemoved(value, record[key], `${path}/${key}`)
        : [`${path}/${key}`],
    );
  }
  return Object.is(before, after) ? [] : [path];
}

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/** `namespace: pod` for every pod a namespace's enforce label would reject. */
function rejectedPods(objects: readonly Manifest[]): string[] {
  const rejected: string[] = [];
  for (const namespace of objects.filter((object) => object.kind === 'Namespace')) {
    const level = namespace.metadata?.labels?.[ENFORCE] as PssLevel | undefined;
    if (level === undefined) continue;
    for (const object of objects) {
      if (!POD_KINDS.includes(object.kind) || object.metadata?.namespace !== namespace.metadata?.name)
        continue;
      if (!checkPod(object, level).allowed)
        rejected.push(`${namespace.metadata?.name}: ${object.kind} ${object.metadata?.name}`);
    }
  }
  return rejected;
}

/** The failing findings of the objects that still carry a safe fix. */
function safelyFixable(objects: readonly Manifest[]): string[] {
  return evaluate(objects)
    .findings.filter((finding) => finding.status === 'fail' && finding.fix?.kind === 'safe')
    .map((finding) => `${finding.resource.kind} ${finding.resource.name}: ${finding.rule}`);
}

function expectFaithful(original: readonly Manifest[], hardened: readonly Manifest[]): void {
  expect(hardened).toHaveLength(original.length);
  original.forEach((object, index) => {
    expect(changedOrRemoved(object, hardened[index]), `${object.kind} ${object.metadata?.name}`).toEqual([]);
  });
  expect(rejectedPods(hardened)).toEqual([]);
  expect(safelyFixable(hardened)).toEqual([]);
}

describe('the real-world corpus', () => {
  const original = corpus();

  it('has the shapes issue 11 names', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    expect(original.filter((object) => object.kind === 'Deployment').length).toBeGreaterThan(300);
    expect(original.some((object) => object.kind === 'ServiceAccount')).toBe(true);
  });

  it('through harden(): faithful, labels that admit every pod, only unsafe fixes left, idempotent', () => {
    const { object: hardened, changes } = harden(original);
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((change) => change.kind === 'safe')).toBe(true);
    expectFaithful(original, hardened);
    expect(harden(hardened).changes).toEqual([]);
  });

  it('keeps what the authors stated and uses the facts of the same input', () => {
    const { object: hardened } = harden(original);
    const find = (kind: string, name: string) =>
      hardened.find((object) => object.kind === kind && object.metadata?.name === name) as Manifest;
    const podSpec = (object: Manifest) =>
      (object.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    // The controller keeps its token and its UID.
    expect(podSpec(find('Deployment', 'ingress-controller')).automountServiceAccountToken).toBe(true);
    // node-exporter's account opts out: no pod-level field added, no finding left.
    expect(podSpec(find('DaemonSet', 'node-exporter'))).not.toHaveProperty('automountServiceAccountToken');
    // Namespaces get the strictest level their pods pass; explicit labels stay.
    expect(find('Namespace', 'monitoring').metadata?.labels?.[ENFORCE]).toBe('privileged');
    expect(find('Namespace', 'ingress').metadata?.labels?.[ENFORCE]).toBe('baseline');
    expect(find('Namespace', 'db').metadata?.labels?.[ENFORCE]).toBe('baseline');
    expect(find('Namespace', 'ci-runners').metadata?.labels?.[ENFORCE]).toBe('privileged');
    // The Localhost profile named by the annotation, carried into the field.
    const audited = find('Pod', 'audited').spec as { securityContext: Record<string, unknown> };
    expect(audited.securityContext.seccompProfile).toEqual({
      type: 'Localhost',
      localhostProfile: 'profiles/audit.json',
    });
    // Windows by node selector: no Linux-only field.
    const iis = podSpec(find('Deployment', 'iis'));
    expect(JSON.stringify(iis)).not.toMatch(
      /seccompProfile|capabilities|allowPrivilegeEscalation|runAsUser"/,
    );
    // Ephemeral containers are fixed like the others (the privileged one keeps privileged).
    const debug = (
      find('Pod', 'checkout-7d9f').spec as { ephemeralContainers: { securityContext?: object }[] }
    ).ephemeralContainers;
    expect(debug[0]?.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    expect(debug[1]?.securityContext).toMatchObject({ privileged: true });
    // A privileged node agent runs as root on purpose, and the users authors chose keep their
    // groups: no safe fix makes them non-root or gives them a group.
    const identity = (spec: Record<string, unknown>) => {
      const { runAsNonRoot, runAsUser, runAsGroup } = (spec.securityContext ?? {}) as Record<string, unknown>;
      return { runAsNonRoot, runAsUser, runAsGroup };
    };
    expect(identity(podSpec(find('DaemonSet', 'storage-agent')))).toEqual({});
    // The CNI daemon adds capabilities as root: no user is given to it nor to its init containers.
    expect(identity(podSpec(find('DaemonSet', 'overlay')))).toEqual({});
    expect(identity(podSpec(find('Deployment', 'driver-deployer')))).toEqual({ runAsUser: 0 });
    expect(identity(podSpec(find('Deployment', 'cache')))).toEqual({ runAsNonRoot: true, runAsUser: 999 });
    const left = harden(original).remaining.filter((finding) =>
      ['storage-agent', 'driver-deployer', 'cache'].includes(finding.resource.name ?? ''),
    );
    expect(
      left
        .filter((finding) => /^runAs(NonRoot|UserRange|GroupPolicy)$/.test(finding.rule))
        .map(
          (finding) => `${finding.resource.name} ${finding.rule}: ${finding.fix?.kind}, ${finding.unfixable}`,
        ),
    ).toEqual([
      'storage-agent runAsNonRoot: unsafe, a safe fix would stop what runs as root on purpose: privileged container "manager" would run without root\'s capabilities',
      'storage-agent runAsUserRange: unsafe, a safe fix would stop what runs as root on purpose: privileged container "manager" would run without root\'s capabilities',
      'storage-agent runAsGroupPolicy: unsafe, a safe fix would change the group of a user the author chose: privileged container "manager" runs as root',
      'driver-deployer runAsNonRoot: unsafe, a safe fix would stop what runs as root on purpose: container "deployer" set runAsUser=0 and would no longer start',
      'driver-deployer runAsUserRange: unsafe, undefined',
      'driver-deployer runAsGroupPolicy: unsafe, a safe fix would change the group of a user the author chose: container "deployer" runs as root (runAsUser=0)',
      // 999 and fsGroup 999 are outside the ranges: replacing them is unsafe too.
      'cache runAsUserRange: unsafe, undefined',
      'cache runAsGroupPolicy: unsafe, a safe fix would change the group of a user the author chose: container "redis" runs as runAsUser=999',
      'cache runAsGroupPolicy: unsafe, undefined',
    ]);
  });

  it('through cdk8s PodSecurity.harden(): the same checks on the workloads', () => {
    const chart = Testing.chart();
    for (const [index, object] of original.entries()) new ApiObject(chart, `o${index}`, object);
    PodSecurity.of(chart).harden();
    const synthesized = Testing.synth(chart) as Manifest[];
    // cdk8s hardens workloads one by one (Namespaces are left to validation).
    const workloads = (list: readonly Manifest[]) => list.filter((object) => POD_KINDS.includes(object.kind));
    expectFaithful(workloads(original), workloads(synthesized));
    expect(rejectedPods(synthesized)).toEqual([]);
    const again = Testing.chart();
    for (const [index, object] of synthesized.entries()) new ApiObject(again, `o${index}`, object);
    PodSecurity.of(again).harden();
    expect(Testing.synth(again)).toEqual(synthesized);
  });

  it('through the Pulumi stack transform: the same checks on the workloads', () => {
    const typeOf = (object: Manifest) =>
      Object.keys(CHECKED_TYPES).find(
        (type) =>
          CHECKED_TYPES[type]?.kind === object.kind && CHECKED_TYPES[type]?.apiVersion === object.apiVersion,
      );
    const workloads = original.filter((object) => POD_KINDS.includes(object.kind));
    const hardenAll = (list: readonly Manifest[]) =>
      list.map((object) => {
        const type = typeOf(object);
        if (type === undefined) throw new Error(`no Pulumi type for ${object.apiVersion} ${object.kind}`);
        return (hardenResourceProps(type, object, undefined) ?? object) as Manifest;
      });
    const hardened = hardenAll(workloads);
    expectFaithful(workloads, hardened);
    expect(hardenAll(hardened)).toEqual(hardened);
  });
});
