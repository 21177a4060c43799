import { ruleRegistry } from '@podguard/policy-core';
import { describe, expect, it } from 'vitest';
import { affectsRule, scopeUnknowns } from './unknowns.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    template: {
      metadata: { annotations: {} },
      spec: {
        containers: [
          { name: 'web', image: 'x', env: [], ports: [{ containerPort: 0, hostPort: 0 }], livenessProbe: {} },
        ],
      },
    },
  },
};

/** The rules an unknown at `path` can change, as the core's `reads` declarations say. */
function affected(path: string, object: unknown = deployment, byIdentity = false): string[] {
  const [placed] = scopeUnknowns(object, [{ tokens: path.split('.'), sentinel: '', type: 'string' }]);
  if (!placed) throw new Error('no scope');
  return [...ruleRegistry.values()]
    .filter((rule) => affectsRule(placed.scope, rule, byIdentity))
    .map((rule) => rule.id);
}

const everyRule = [...ruleRegistry.keys()];

describe('scopeUnknowns + affectsRule: an unknown affects exactly the rules that read it', () => {
  it('an unknown pod runAsUser affects the rules reading runAsUser, not privileged (issue 12)', () => {
    const rules = affected('spec.template.spec.securityContext.runAsUser');
    expect(rules).toContain('runAsUserRange');
    expect(rules).toContain('runAsRoot');
    expect(rules).not.toContain('privileged');
    expect(rules).not.toContain('hostNamespaces');
  });

  it('an unknown image affects the rules that read the image, not runAsGroupPolicy (issue 12)', () => {
    const rules = affected('spec.template.spec.containers.0.image');
    expect(rules).toContain('kubeletRunAsNonRoot');
    expect(rules).not.toContain('runAsGroupPolicy');
    expect(rules).not.toContain('privileged');
    expect(rules.every((id) => ruleRegistry.get(id)?.reads.includes('containers[].image'))).toBe(true);
  });

  it('init and ephemeral containers are containers[] to a rule', () => {
    expect(affected('spec.template.spec.initContainers.0.securityContext.privileged')).toEqual([
      'privileged',
    ]);
  });

  it('an unknown structure affects every rule reading inside it', () => {
    expect(affected('spec.template.spec.containers')).toEqual(
      everyRule.filter((id) => ruleRegistry.get(id)?.reads.some((read) => read.startsWith('containers[]'))),
    );
    expect(affected('spec.template.spec.containers.0.securityContext')).toContain('privileged');
    expect(affected('spec')).toEqual(everyRule);
  });

  it('fields no rule reads affect nothing', () => {
    for (const path of [
      'spec.template.spec.containers.0.env.0.value',
      'spec.template.spec.nodeSelector',
      'spec.template.metadata.labels.app',
      'spec.replicas',
      'metadata.labels.team',
    ]) {
      expect(affected(path), path).toEqual([]);
    }
  });

  it('names affect only suppressions that match on them; the suppression annotation affects every rule', () => {
    expect(affected('metadata.namespace')).toEqual([]);
    expect(affected('metadata.namespace', deployment, true)).toEqual(everyRule);
    expect(affected('metadata.annotations.team')).toEqual([]);
    const [placed] = scopeUnknowns(deployment, [
      { tokens: ['metadata', 'annotations', 'podguard.dev/suppress'], sentinel: '', type: 'string' },
    ]);
    expect(placed?.scope).toEqual({ kind: 'all' });
  });

  it('namespace labels affect the namespace rule; anything unreadable affects every rule', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: {} } };
    expect(affected('metadata.labels.pod-security', namespace)).toEqual(['namespaceEnforceLabel']);
    expect(affected('anything', { kind: 'Deployment', apiVersion: 'apps/v1', spec: 'x' })).toEqual(everyRule);
  });
});
