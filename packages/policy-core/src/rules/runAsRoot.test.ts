import { describe, expect, it } from 'vitest';
import type { EvaluateOptions } from '../model/options.js';
import type { Forbidden } from '../rulekit/define.js';
import { runRuleResults } from '../testing/index.js';
import { runAsRoot } from './runAsRoot.js';

const IMAGE = 'registry.example/app:1';

function failures(spec: unknown, options: EvaluateOptions = { level: 'restricted' }): Forbidden[] {
  return runRuleResults(runAsRoot, spec, 'latest', options).filter((r): r is Forbidden => !r.allowed);
}

describe('runAsRoot', () => {
  it.each(['', '0', '0:0', 'root', 'root:root', ':1000'])(
    'image USER %j without runAsUser runs as root',
    (user) => {
      const [result, ...rest] = failures(
        { containers: [{ name: 'app', image: IMAGE }] },
        { level: 'restricted', imageUsers: { [IMAGE]: user } },
      );
      expect(rest).toEqual([]);
      expect(result).toEqual({
        allowed: false,
        reason: 'image runs as root',
        detail: `container "app" runs as root: no runAsUser is set and image "${IMAGE}" has USER ${JSON.stringify(user)}`,
        messageId: 'imageRoot',
        locations: [{ path: '/spec/containers/0/image', container: 'app' }],
        fix: {
          kind: 'safe',
          description:
            "Set securityContext.runAsUser=1000 on the pod so no container depends on the image's USER.",
          patch: [
            { op: 'add', path: '/spec/securityContext', value: {}, ifMissing: true },
            { op: 'add', path: '/spec/securityContext/runAsUser', value: 1000 },
          ],
        },
      });
    },
  );

  it('reports it even with runAsNonRoot: true (the kubelet then refuses to start it)', () => {
    const results = failures(
      { securityContext: { runAsNonRoot: true }, containers: [{ name: 'app', image: IMAGE }] },
      { level: 'restricted', imageUsers: { [IMAGE]: '' } },
    );
    expect(results.map((r) => r.messageId)).toEqual(['imageRoot']);
    expect(results[0]?.fix?.patch).toEqual([
      { op: 'add', path: '/spec/securityContext/runAsUser', value: 1000 },
    ]);
  });

  it.each(['1000', 'node', '4294967295', '1000:0'])('image USER %j is not root', (user) => {
    expect(
      failures(
        { containers: [{ name: 'app', image: IMAGE }] },
        { level: 'restricted', imageUsers: { [IMAGE]: user } },
      ),
    ).toEqual([]);
  });

  it('does not guess an unknown image user', () => {
    expect(failures({ containers: [{ name: 'app', image: IMAGE }] })).toEqual([]);
  });

  it('explicit runAsUser 0, inherited from the pod or set on the container', () => {
    const results = failures({
      securityContext: { runAsUser: 0 },
      containers: [
        { name: 'a', image: IMAGE },
        { name: 'b', image: IMAGE, securityContext: { runAsUser: 1000 } },
        { name: 'c', image: IMAGE, securityContext: { runAsUser: 0 } },
      ],
    });
    expect(results.map((r) => [r.messageId, r.detail, r.locations, r.fix?.patch])).toEqual([
      [
        'explicitRoot',
        'container "a" runs as root: its effective securityContext.runAsUser is 0',
        [{ path: '/spec/securityContext/runAsUser', container: 'a' }],
        [{ op: 'replace', path: '/spec/securityContext/runAsUser', value: 1000 }],
      ],
      [
        'explicitRoot',
        'container "c" runs as root: its effective securityContext.runAsUser is 0',
        [{ path: '/spec/containers/2/securityContext/runAsUser', container: 'c' }],
        [{ op: 'replace', path: '/spec/containers/2/securityContext/runAsUser', value: 1000 }],
      ],
    ]);
  });

  it('an explicit non-zero runAsUser wins over a root image', () => {
    expect(
      failures(
        { containers: [{ name: 'app', image: IMAGE, securityContext: { runAsUser: 5 } }] },
        { level: 'restricted', imageUsers: { [IMAGE]: '' } },
      ),
    ).toEqual([]);
  });

  it('exempts Windows pods', () => {
    expect(
      failures(
        { os: { name: 'windows' }, containers: [{ name: 'app', image: IMAGE }] },
        { level: 'restricted', imageUsers: { [IMAGE]: '' } },
      ),
    ).toEqual([]);
  });

  it('openshift: the image user does not count, the SCC assigns the UID', () => {
    const spec = { containers: [{ name: 'app', image: IMAGE }] };
    expect(failures(spec, { profile: 'openshift', imageUsers: { [IMAGE]: '' } })).toEqual([]);
    expect(
      failures({ ...spec, securityContext: { runAsUser: 0 } }, { profile: 'openshift' }).map(
        (r) => r.messageId,
      ),
    ).toEqual(['explicitRoot']);
  });

  it('has no fix without a default user', () => {
    const [result] = failures(
      { securityContext: { runAsUser: 0 }, containers: [{ name: 'a' }] },
      { level: 'restricted', defaultUser: null },
    );
    expect(result?.fix).toBeUndefined();
  });
});
