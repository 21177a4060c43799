import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './testing.js';

const temporaryDirectories: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirectories) rmSync(dir, { recursive: true, force: true });
});

/** A temporary tree with the given files. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-kinds-'));
  temporaryDirectories.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

interface Report {
  findings: {
    rule: string;
    status: string;
    message: string;
    path: string;
    source?: { file: string; line: number };
  }[];
  summary: Record<string, number>;
  inputErrors: { file: string; message: string }[];
}
const report = (stdout: string) => JSON.parse(stdout) as Report;
const located = (r: Report) => r.findings.map((f) => [f.rule, `${f.source?.file}:${f.source?.line}`]);

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          image: registry.example/app:1.0
`;

describe('kinds by API group through the CLI', () => {
  it('a Volcano Job is judged through its tasks, a Job of another group is not applicable', async () => {
    const dir = tree({
      'volcano.yaml': `apiVersion: batch.volcano.sh/v1alpha1
kind: Job
metadata:
  name: train
spec:
  tasks:
    - name: worker
      template:
        spec:
          containers:
            - name: w
              image: trainer:1
              securityContext:
                privileged: true
`,
      'other.yaml': `apiVersion: example.com/v1
kind: Deployment
metadata:
  name: not-apps
spec:
  template:
    spec:
      containers:
        - name: c
          image: c
          securityContext:
            privileged: true
`,
    });
    const run = await runCli(['scan', '.', '--profile', 'baseline', '--format', 'json'], { cwd: dir });
    expect(run.code).toBe(1);
    const r = report(run.stdout);
    expect(located(r)).toEqual([['privileged', 'volcano.yaml:14']]);
    expect(r.summary).toMatchObject({ objects: 2, pods: 1, errors: 0 });
  });

  it('an Argo Rollout with a privileged container fails at its line', async () => {
    const dir = tree({
      'rollout.yaml': `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: web
spec:
  strategy:
    canary: {}
  template:
    spec:
      containers:
        - name: app
          image: app:1
          securityContext:
            privileged: true
`,
    });
    const run = await runCli(['scan', 'rollout.yaml', '--profile', 'baseline', '--format', 'json'], {
      cwd: dir,
    });
    expect(located(report(run.stdout))).toEqual([['privileged', 'rollout.yaml:14']]);
  });

  it('podTemplates in the configuration file declares a custom resource; a malformed entry is an error', async () => {
    const app = `apiVersion: apps.example.com/v1
kind: App
metadata:
  name: a
spec:
  pods:
    - spec:
        containers:
          - name: c
            image: c
            securityContext:
              privileged: true
`;
    const dir = tree({
      'app.yaml': app,
      'podguard.config.yaml': `podTemplates:
  - apiVersion: apps.example.com/v1
    kind: App
    paths: ["/spec/pods/*"]
`,
    });
    const run = await runCli(['scan', 'app.yaml', '--profile', 'baseline', '--format', 'json'], { cwd: dir });
    expect(located(report(run.stdout))).toEqual([['privileged', 'app.yaml:12']]);

    const bad = tree({
      'app.yaml': app,
      'podguard.config.yaml': 'podTemplates:\n  - kind: App\n    paths: [spec]\n',
    });
    const failed = await runCli(['scan', 'app.yaml'], { cwd: bad });
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('invalid option podTemplates[0].apiVersion');
    const notList = tree({ 'app.yaml': app, 'podguard.config.yaml': 'podTemplates: {}\n' });
    expect((await runCli(['scan', 'app.yaml'], { cwd: notList })).stderr).toContain(
      'invalid option podTemplates: expected an array of { apiVersion, kind, paths }',
    );
  });
});

/** A kustomization whose patches set some fields, next to the base they patch. */
const KUSTOMIZE_TREE = {
  'base/deployment.yaml': DEPLOYMENT,
  'base/kustomization.yaml': 'resources:\n  - deployment.yaml\n',
  'overlay/kustomization.yaml': `bases:
  - ../base
patchesStrategicMerge:
  - resources.yaml
  - privileged.yaml
  - delete.yaml
patchesJson6902:
  - target: { group: apps, version: v1, kind: Deployment, name: web }
    path: ops.yaml
`,
  'overlay/resources.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          resources:
            limits:
              memory: 128Mi
`,
  'overlay/privileged.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: app
          securityContext:
            privileged: true
            runAsNonRoot: false
`,
  'overlay/delete.yaml': `apiVersion: v1
kind: Service
metadata:
  name: legacy
$patch: delete
`,
  'overlay/ops.yaml': `- op: add
  path: /spec/template/spec/hostNetwork
  value: true
- op: replace
  path: /spec/template/spec/containers/0/securityContext
  value:
    allowPrivilegeEscalation: true
`,
};

describe('Kustomize patches are judged for what they set', () => {
  it('reports only forbidden values the patches set, at their lines; the base is judged whole', async () => {
    const dir = tree(KUSTOMIZE_TREE);
    const run = await runCli(['scan', 'overlay', '--profile', 'restricted', '--format', 'json'], {
      cwd: dir,
    });
    expect(run.stderr).toBe('');
    const r = report(run.stdout);
    expect(r.inputErrors).toEqual([]);
    expect(located(r)).toEqual([
      ['hostNamespaces', 'overlay/ops.yaml:3'],
      ['allowPrivilegeEscalation', 'overlay/ops.yaml:7'],
      ['privileged', 'overlay/privileged.yaml:11'],
      ['runAsNonRoot', 'overlay/privileged.yaml:12'],
    ]);
    expect(r.findings.find((f) => f.rule === 'privileged')?.message).toBe(
      'privileged (container "app" must not set securityContext.privileged=true)',
    );
    // The same patch outside a kustomization's list is a whole (and very incomplete) object.
    const alone = tree({ 'resources.yaml': KUSTOMIZE_TREE['overlay/resources.yaml'] });
    const whole = await runCli(['scan', '.', '--profile', 'restricted', '--format', 'json'], { cwd: alone });
    expect(report(whole.stdout).findings.length).toBeGreaterThan(2);
  });

  it('--fix never adds fields to a patch, and leaves JSON 6902 patches alone', async () => {
    const dir = tree(KUSTOMIZE_TREE);
    const run = await runCli(['scan', 'overlay', '--profile', 'restricted', '--fix'], { cwd: dir });
    for (const name of ['resources.yaml', 'delete.yaml', 'ops.yaml']) {
      expect(readFileSync(join(dir, 'overlay', name), 'utf8')).toBe(
        KUSTOMIZE_TREE[`overlay/${name}` as keyof typeof KUSTOMIZE_TREE],
      );
    }
    // The value the patch set (runAsNonRoot: false) is the author's: replacing it is an unsafe fix,
    // which plain --fix never applies; nothing is added around it either.
    expect(readFileSync(join(dir, 'overlay/privileged.yaml'), 'utf8')).toBe(
      KUSTOMIZE_TREE['overlay/privileged.yaml'],
    );
    expect(run.code).toBe(1);
  });
});

/** The tool `--kustomize` would use from this process's PATH, if any. */
function kustomizeTool(): string | undefined {
  for (const [command, args] of [
    ['kubectl', ['kustomize', '--help']],
    ['kustomize', ['version']],
  ] as const) {
    if (spawnSync(command, [...args], { encoding: 'utf8' }).status === 0) return command;
  }
  return undefined;
}
const tool = kustomizeTool();
if (!tool) {
  console.warn(
    'podguard --kustomize tests skipped: neither kubectl nor kustomize is on PATH (.ci/run installs kubectl)',
  );
}

/** The tree without the deletion of an object the overlay does not have (kustomize refuses that). */
const RENDERABLE_TREE = {
  ...KUSTOMIZE_TREE,
  'overlay/kustomization.yaml': KUSTOMIZE_TREE['overlay/kustomization.yaml'].replace('  - delete.yaml\n', ''),
};

describe('podguard scan --kustomize', () => {
  it('without kubectl or kustomize, says what to install', async () => {
    const dir = tree(KUSTOMIZE_TREE);
    const run = await runCli(['scan', '--kustomize', 'overlay'], {
      cwd: dir,
      env: { PATH: join(dir, 'base') },
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--kustomize needs kubectl (`kubectl kustomize`) or kustomize on PATH');
    expect(run.stderr).toContain('apt-get install kubernetes-client');
  });

  it.runIf(tool !== undefined)(
    'renders the overlay and scans the result, located in the source files',
    async () => {
      const dir = tree(RENDERABLE_TREE);
      const run = await runCli(
        ['scan', '--kustomize', 'overlay', '--profile', 'hardened', '--format', 'json'],
        {
          cwd: dir,
        },
      );
      expect(run.code).toBe(1);
      const r = report(run.stdout);
      expect(r.inputErrors).toEqual([]);
      const rules = r.findings.map((f) => f.rule);
      // The rendered Deployment is whole: its missing fields are findings too.
      expect(rules).toEqual(
        expect.arrayContaining(['hostNamespaces', 'allowPrivilegeEscalation', 'seccompProfile_restricted']),
      );
      // ops.yaml replaces the whole securityContext privileged.yaml set: the result is not privileged.
      expect(rules).not.toContain('privileged');
      const hostNetwork = r.findings.find((f) => f.rule === 'hostNamespaces');
      const seccomp = r.findings.find((f) => f.rule === 'seccompProfile_restricted');
      const automount = r.findings.find((f) => f.rule === 'automountServiceAccountToken');
      // kustomize 4+ gives origins: fields are traced to the files that set them; older ones leave the rendered output.
      const render = spawnSync(
        tool as string,
        tool === 'kubectl' ? ['kustomize', join(dir, 'overlay')] : ['build', join(dir, 'overlay')],
        { encoding: 'utf8' },
      );
      expect(render.status).toBe(0);
      const withOrigins = run.stdout.includes('overlay/ops.yaml');
      if (withOrigins) {
        expect(hostNetwork?.source?.file).toBe('overlay/ops.yaml');
        // ops.yaml replaced the whole securityContext: what it lacks is its doing.
        expect(seccomp?.source?.file).toBe('overlay/ops.yaml');
        // The pod spec that lacks automountServiceAccountToken comes from the base.
        expect(automount?.source?.file).toBe('base/deployment.yaml');
      } else {
        expect(hostNetwork?.source?.file).toBe(
          `${tool === 'kubectl' ? 'kubectl kustomize' : 'kustomize build'} overlay`,
        );
      }
    },
  );

  it.runIf(tool !== undefined)('a broken overlay is an error naming the directory', async () => {
    const dir = tree({ 'broken/kustomization.yaml': 'resources:\n  - missing.yaml\n' });
    const run = await runCli(['scan', '--kustomize', 'broken'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/kustomize(?: build)? .*broken failed/);
  });
});
