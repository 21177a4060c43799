import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluate.js';
import { harden } from './harden.js';

const IMAGE = 'vendor.example/db:16';
const pod = (annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'db', namespace: 'data', ...(annotations ? { annotations } : {}) },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{ name: 'db', image: IMAGE }],
  },
});
const suppression = { rule: 'runAsUserRange', reason: 'vendor image pinned uid, ticket DB-7' };

describe('suppressions bind fixes (issue 19)', () => {
  it('without a suppression, kubeletRunAsNonRoot and runAsUserRange fixes write runAsUser', () => {
    const { object } = harden(pod(), { imageUsers: { [IMAGE]: '0' } });
    expect(object.spec.securityContext).toHaveProperty('runAsUser', 1000);
  });

  it('runAsUserRange suppressed: no fix writes runAsUser, at pod or container level', () => {
    const options = { imageUsers: { [IMAGE]: '0' }, suppressions: [suppression] };
    const before = evaluate(pod(), options).findings;
    // The premise: kubeletRunAsNonRoot has a fix that writes runAsUser.
    expect(
      before.some(
        (f) =>
          f.rule === 'kubeletRunAsNonRoot' &&
          f.status === 'fail' &&
          JSON.stringify(f.fix?.patch).includes('runAsUser'),
      ),
    ).toBe(true);
    expect(before.find((f) => f.rule === 'runAsUserRange')?.status).toBe('suppressed');
    const { object, changes } = harden(pod(), options);
    expect(JSON.stringify(object)).not.toContain('runAsUser"');
    expect(changes.filter((change) => JSON.stringify(change.patch).includes('runAsUser'))).toEqual([]);
    // Other fixes still apply.
    expect(object.spec.containers[0]).toHaveProperty('securityContext.allowPrivilegeEscalation', false);
  });

  it('a suppression in the annotation binds fixes too', () => {
    const annotated = pod({ 'podguard.dev/suppress': JSON.stringify([suppression]) });
    const { object } = harden(annotated, { imageUsers: { [IMAGE]: '0' } });
    expect(JSON.stringify(object)).not.toContain('runAsUser"');
  });
});
