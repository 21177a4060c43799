import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeHelmChart, HELM_CHART_CONTROLS, helmChartMessages } from './analyzeHelmChart.js';

/** `helm create`'s deployment template: both securityContexts come from values. */
const CONFIGURABLE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "web.fullname" . }}
spec:
  template:
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ .Chart.Name }}
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
`;

const HARD_CODED = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      securityContext:
        runAsUser: 999
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: db
          image: "{{ .Values.image }}"
          securityContext:
            runAsNonRoot: true
        - name: "metrics"
          image: exporter
`;

const summary = (findings: ReturnType<typeof analyzeHelmChart>) =>
  findings.map((f) => [f.messageId, f.file, f.line ?? f.pointer, f.container ?? f.kind]);

describe('analyzeHelmChart: templates', () => {
  it('passes a chart whose securityContexts come from values (helm create)', () => {
    expect(
      analyzeHelmChart({ templates: [{ path: 'web/templates/deployment.yaml', text: CONFIGURABLE }] }),
    ).toEqual([]);
  });

  it('reports hard-coded and missing securityContexts at their lines, pod and each container', () => {
    const findings = analyzeHelmChart({ templates: [{ path: 'db/templates/sts.yaml', text: HARD_CODED }] });
    expect(summary(findings)).toEqual([
      ['podSecurityContextHardCoded', 'db/templates/sts.yaml', 8, 'StatefulSet'],
      ['containerSecurityContextMissing', 'db/templates/sts.yaml', 11, 'init'],
      ['containerSecurityContextHardCoded', 'db/templates/sts.yaml', 16, 'db'],
      ['containerSecurityContextMissing', 'db/templates/sts.yaml', 18, 'metrics'],
    ]);
    expect(findings[0]).toMatchObject({
      rule: 'helmChartSecurityContext',
      status: 'fail',
      severity: 'warning',
      column: 7,
      message: 'the pod securityContext of StatefulSet is written in the template, not taken from values',
      controls: [...HELM_CHART_CONTROLS],
    });
    expect(findings[0]?.fix.description).toContain('{{- toYaml .Values.podSecurityContext | nindent 8 }}');
    expect(findings[2]?.message).toBe(
      'the securityContext of container "db" is written in the template, not taken from values',
    );
  });

  it('reports a pod spec with no securityContext at its containers: key', () => {
    const text = HARD_CODED.replace('      securityContext:\n        runAsUser: 999\n', '');
    const [first] = analyzeHelmChart({ templates: [{ path: 't.yaml', text }] });
    expect(first).toMatchObject({ messageId: 'podSecurityContextMissing', line: 11 });
  });

  it('accepts a securityContext inside {{- with .Values.… }} and one rendered with include', () => {
    const text = `kind: Job
spec:
  template:
    spec:
      {{- with .Values.podSecurityContext }}
      securityContext:
        runAsNonRoot: {{ .runAsNonRoot }}
      {{- end }}
      containers:
        - name: job
          securityContext: {{- include "job.securityContext" . | nindent 12 }}
`;
    expect(analyzeHelmChart({ templates: [{ path: 'job.yaml', text }] })).toEqual([]);
  });

  it('accepts containers rendered whole from values', () => {
    const text = `kind: Deployment
spec:
  template:
    spec:
      securityContext: {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        {{- toYaml .Values.containers | nindent 8 }}
`;
    expect(analyzeHelmChart({ templates: [{ path: 'd.yaml', text }] })).toEqual([]);
  });

  it('finds the pod spec in an included define (_helpers.tpl), and reports it there', () => {
    const helpers = `{{/* the pod */}}
{{- define "app.pod" -}}
securityContext:
  fsGroup: 2000
containers:
  - name: app
    image: app
{{- end }}
`;
    const deployment = `kind: Deployment
spec:
  template:
    spec:
      {{- include "app.pod" . | nindent 6 }}
`;
    const findings = analyzeHelmChart({
      templates: [
        { path: 'app/templates/_helpers.tpl', text: helpers },
        { path: 'app/templates/deployment.yaml', text: deployment },
      ],
    });
    expect(summary(findings)).toEqual([
      ['podSecurityContextHardCoded', 'app/templates/_helpers.tpl', 3, 'Deployment'],
      ['containerSecurityContextMissing', 'app/templates/_helpers.tpl', 6, 'app'],
    ]);
  });

  it('says so when the pod spec cannot be found, rather than passing', () => {
    const text = `kind: DaemonSet\nspec:\n  template: {{ .Values.template | toJson }}\n`;
    expect(summary(analyzeHelmChart({ templates: [{ path: 'ds.yaml', text }] }))).toEqual([
      ['podSpecNotFound', 'ds.yaml', 1, 'DaemonSet'],
    ]);
  });

  it('reviews each document of a multi-document template, and ignores non-workloads', () => {
    const text = `kind: ConfigMap\ndata: {}\n---\n${HARD_CODED}---\n${CONFIGURABLE}`;
    const findings = analyzeHelmChart({ templates: [{ path: 'all.yaml', text }] });
    expect(findings.map((f) => f.line)).toEqual([11, 14, 19, 21]);
  });
});

describe('analyzeHelmChart: values', () => {
  it('reports insecure defaults at any depth, with a JSON pointer and the safe value', () => {
    const values = {
      securityContext: { privileged: true, allowPrivilegeEscalation: false, runAsUser: 0 },
      controller: {
        podSecurityContext: { runAsNonRoot: false, seccompProfile: { type: 'Unconfined' } },
        hostNetwork: true,
        containerSecurityContext: { capabilities: { add: ['NET_BIND_SERVICE', 'SYS_ADMIN'] } },
      },
      'a/b': { readOnlyRootFilesystem: false },
      tolerations: [{ key: 'type', value: 'Unconfined' }],
    };
    const findings = analyzeHelmChart({ templates: [], values });
    expect(findings.map((f) => [f.pointer, f.message])).toEqual([
      [
        '/securityContext/privileged',
        'values.yaml defaults securityContext.privileged to true: a privileged container has every capability of the host',
      ],
      [
        '/securityContext/runAsUser',
        'values.yaml defaults securityContext.runAsUser to 0: containers run as root',
      ],
      [
        '/controller/podSecurityContext/runAsNonRoot',
        'values.yaml defaults controller.podSecurityContext.runAsNonRoot to false: containers may run as root',
      ],
      [
        '/controller/podSecurityContext/seccompProfile/type',
        'values.yaml defaults controller.podSecurityContext.seccompProfile.type to "Unconfined": no seccomp filter limits the system calls',
      ],
      [
        '/controller/hostNetwork',
        "values.yaml defaults controller.hostNetwork to true: pods share the host's network namespace",
      ],
      [
        '/controller/containerSecurityContext/capabilities/add',
        'values.yaml defaults controller.containerSecurityContext.capabilities.add to ["NET_BIND_SERVICE","SYS_ADMIN"]: capabilities beyond NET_BIND_SERVICE fail the restricted Pod Security Standard',
      ],
      [
        '/a~1b/readOnlyRootFilesystem',
        'values.yaml defaults a/b.readOnlyRootFilesystem to false: the root filesystem is writable',
      ],
    ]);
    expect(findings[0]?.fix.description).toBe(
      'Default securityContext.privileged to false; users who need otherwise can still set it.',
    );
  });

  it('passes safe defaults and names the values file as given', () => {
    const values = { securityContext: { privileged: false, runAsUser: 1000, capabilities: { add: [] } } };
    expect(analyzeHelmChart({ templates: [], values, valuesPath: 'c/values.yaml' })).toEqual([]);
    const [finding] = analyzeHelmChart({
      templates: [],
      values: { hostPID: true },
      valuesPath: 'c/values.yaml',
    });
    expect(finding?.file).toBe('c/values.yaml');
  });
});

describe('docs/rules/helmChartSecurityContext.md', () => {
  it('documents every message id with its exact template and every control', () => {
    const page = readFileSync(
      new URL('../../../../docs/rules/helmChartSecurityContext.md', import.meta.url),
      'utf8',
    );
    expect(page.split('\n')[0]).toBe('# helmChartSecurityContext');
    for (const [id, template] of Object.entries(helmChartMessages)) {
      expect(page, id).toContain(`| \`${id}\` | \`${template}\` |`);
    }
    for (const control of HELM_CHART_CONTROLS) expect(page).toContain(control);
  });
});
