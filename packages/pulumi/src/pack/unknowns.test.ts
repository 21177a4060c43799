import { describe, expect, it } from 'vitest';
import { classifyUnknowns } from './unknowns.js';

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

const relevanceOf = (path: string, type = 'string', object: unknown = deployment) =>
  classifyUnknowns(object, [{ tokens: path.split('.'), sentinel: '', type }])[0]?.relevance;

describe('classifyUnknowns', () => {
  it.each([
    ['spec.template.spec.securityContext.runAsUser', 'all'],
    ['spec.template.spec.containers.0.securityContext', 'all'],
    ['spec.template.spec.hostNetwork', 'all'],
    ['spec.template.spec.volumes.0', 'all'],
    ['spec.template.spec.volumes.0.configMap.name', 'none'],
    ['spec.template.spec.containers', 'all'],
    ['spec.template.spec.containers.0.image', 'image'],
    ['spec.template.spec.containers.0.env.0.value', 'none'],
    ['spec.template.spec.containers.0.ports.0.containerPort', 'none'],
    ['spec.template.spec.containers.0.ports.0.hostPort', 'all'],
    ['spec.template.spec.containers.0.livenessProbe.httpGet.host', 'all'],
    ['spec.template.spec.containers.0.livenessProbe.httpGet.path', 'none'],
    ['spec.template.spec.nodeSelector', 'none'],
    ['spec.template.metadata.labels.app', 'none'],
    ['spec.replicas', 'none'],
    ['spec', 'all'],
    ['metadata.namespace', 'identity'],
    ['metadata.labels.team', 'none'],
  ])('%s is %s', (path, expected) => {
    expect(relevanceOf(path)).toBe(expected);
  });

  it('treats annotation keys by name: AppArmor and suppressions decide, others do not', () => {
    const tokens = [
      'spec',
      'template',
      'metadata',
      'annotations',
      'container.apparmor.security.beta.kubernetes.io/web',
    ];
    expect(classifyUnknowns(deployment, [{ tokens, sentinel: '', type: 'string' }])[0]?.relevance).toBe(
      'all',
    );
    const suppress = ['metadata', 'annotations', 'podguard.dev/suppress'];
    expect(
      classifyUnknowns(deployment, [{ tokens: suppress, sentinel: '', type: 'string' }])[0]?.relevance,
    ).toBe('all');
  });

  it('a structural unknown inside a probe may hide a host', () => {
    expect(relevanceOf('spec.template.spec.containers.0.livenessProbe.httpGet', 'Object')).toBe('all');
  });

  it('namespace labels decide the namespace rule; anything unreadable is relevant', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: {} } };
    expect(relevanceOf('metadata.labels.pod-security', 'string', namespace)).toBe('all');
    expect(relevanceOf('anything', 'string', { kind: 'Deployment', apiVersion: 'apps/v1', spec: 'x' })).toBe(
      'all',
    );
  });
});
