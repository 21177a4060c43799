/**
 * The core's examples, as README shows them, run against the built package and print what README says.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const run = (file: string) =>
  execFileSync(
    process.execPath,
    [fileURLToPath(new URL(`../packages/policy-core/examples/${file}`, import.meta.url))],
    {
      encoding: 'utf8',
    },
  );

describe('policy-core examples', () => {
  it('README example: catches USER node + runAsNonRoot before deployment, with the kubelet wording', () => {
    expect(run('readme.mjs').split('\n')).toEqual([
      'container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root (pod: "web_shop()", container: web)',
      "Set securityContext.runAsUser=1000 on the pod so no container depends on the image's USER. Or give the image a numeric, non-zero USER (e.g. USER 1000 in its Dockerfile).",
      '',
    ]);
  });

  it('npm run demo: admitted by PSA, failed by podguard, passing after harden()', () => {
    const out = run('demo.mjs');
    expect(out).toContain('Pod Security Admission (restricted): admitted');
    expect(out).toContain('podguard (hardened): fails');
    expect(out).toContain(
      'container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root',
    );
    expect(out).toMatch(/harden\(\) made \d+ changes; the result passes\./);
  });
});
