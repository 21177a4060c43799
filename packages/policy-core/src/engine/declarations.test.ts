import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it, vi } from 'vitest';
import { DEPRECATED_OPTION_NAMES, ENGINE_OPTION_SCHEMAS } from '../model/optionSchemas.js';
import type { EvaluateOptions } from '../model/options.js';
import type { Rule } from '../rulekit/define.js';
import { ruleRegistry } from '../rules/index.js';
import {
  fieldOfSpecTokens,
  optionReaders,
  podguardOptionsSchema,
  readsAnyOf,
  rulesAffectedByUnknown,
  rulesReading,
  unreadableFields,
} from './declarations.js';
import { evaluate } from './evaluate.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'prod' },
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'app', image: 'registry/app:1' }] },
    },
  },
};

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', annotations: {} },
  spec: { containers: [{ name: 'app', image: 'registry/app:1' }] },
};

/** The ids of the registry's rules for these targets, in registry order. */
function rulesFor(...targets: Rule['target'][]): string[] {
  return [...ruleRegistry.values()].filter((rule) => targets.includes(rule.target)).map((rule) => rule.id);
}

function registeredRule(id: string): Rule {
  const rule = ruleRegistry.get(id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

describe('rule declarations', () => {
  it('every rule declares since, reads and at least one message', () => {
    for (const rule of ruleRegistry.values()) {
      // 0.1.0 is the rule set `hardened:v1` pins; the Jib and OpenShift image rules came after it.
      const later = ['jibUser', 'dockerfileGroupZero'].includes(rule.id);
      expect(rule.since, rule.id).toBe(later ? '0.2.0' : '0.1.0');
      expect(rule.reads.length, rule.id).toBeGreaterThan(0);
      expect(Object.keys(rule.messages).length, rule.id).toBeGreaterThan(0);
    }
  });

  it('every option a rule reads is in the schema, and every schema option is read by a rule or the engine', () => {
    const properties = Object.keys(podguardOptionsSchema.properties ?? {});
    const readers = optionReaders();
    for (const name of Object.keys(readers)) expect(properties).toContain(name);
    for (const name of properties) {
      const owned =
        Object.hasOwn(readers, name) ||
        Object.hasOwn(ENGINE_OPTION_SCHEMAS, name) ||
        Object.hasOwn(DEPRECATED_OPTION_NAMES, name);
      expect(owned, name).toBe(true);
    }
    expect(readers.uidRange).toEqual(['runAsUserRange', 'dockerfileUser', 'jibUser']);
    expect(readers.gidRange).toEqual(['runAsGroupPolicy']);
  });

  it('refuses to load when two rules declare one option with different schemas', async () => {
    const rule = (id: string, schema: object) => ({
      id,
      target: 'pod',
      reads: ['hostUsers'],
      options: { uidRange: schema },
    });
    vi.resetModules();
    vi.doMock('../rules/index.js', () => ({
      ruleRegistry: new Map([
        ['first', rule('first', { type: 'object' })],
        ['second', rule('second', { type: 'object' })],
      ]),
    }));
    try {
      await expect(import('./declarations.js')).rejects.toThrow(
        'rule second declares option uidRange with another schema than first',
      );
    } finally {
      vi.doUnmock('../rules/index.js');
      vi.resetModules();
    }
  });
});

describe('podguardOptionsSchema', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat('date-time', true);
  const validate = ajv.compile(podguardOptionsSchema);

  it('is a valid JSON Schema that accepts what evaluate() accepts', () => {
    const options: EvaluateOptions = {
      profile: 'hardened:v1',
      version: 'v1.30',
      uidRange: { min: 10000 },
      denyUids: [65534],
      imageUsers: { 'registry/app:*': '1000' },
      rules: { readOnlyRootFilesystem: { severity: 'warning' } },
      suppressions: [{ rule: 'runAsUserRange', reason: 'legacy UID until migrated', expires: '2027-01-31' }],
      failOn: 'warning',
      nonRootBases: ['gcr.io/distroless/static:nonroot'],
    };
    expect(validate(options), JSON.stringify(validate.errors)).toBe(true);
    expect(() => evaluate([], options)).not.toThrow();
  });

  it('describes each rule option and names the rules that read it', () => {
    expect(podguardOptionsSchema.properties?.uidRange?.description).toBe(
      'Allowed runAsUser range, inclusive (default 1000..2147483647). Read by: runAsUserRange, dockerfileUser, jibUser.',
    );
  });

  it('rejects what evaluate() rejects: unknown keys at every level', () => {
    for (const options of [{ uidrange: { min: 1 } }, { uidRange: { mn: 1 } }, { denyUids: [1.5] }]) {
      expect(validate(options), JSON.stringify(options)).toBe(false);
      expect(() => evaluate([], options as never), JSON.stringify(options)).toThrow();
    }
  });
});

describe('rulesReading and rulesAffectedByUnknown', () => {
  it('an unknown image affects exactly the rules that read the image', () => {
    expect(rulesReading('containers[0].image')).toEqual(['kubeletRunAsNonRoot', 'runAsRoot']);
    expect(rulesAffectedByUnknown(deployment, '/spec/template/spec/containers/0/image')).toEqual([
      'kubeletRunAsNonRoot',
      'runAsRoot',
    ]);
  });

  it('an unknown pod runAsUser does not make privileged or hostNamespaces undecidable', () => {
    const affected = rulesAffectedByUnknown(deployment, '/spec/template/spec/securityContext/runAsUser');
    expect(affected).toEqual(['runAsUser', 'kubeletRunAsNonRoot', 'runAsRoot', 'runAsUserRange']);
    expect(affected).not.toContain('privileged');
  });

  it('a whole security context, container or template affects every rule reading inside it', () => {
    expect(rulesAffectedByUnknown(deployment, '/spec/template/spec/containers/0/securityContext')).toContain(
      'privileged',
    );
    const all = rulesAffectedByUnknown(deployment, '/spec/template');
    expect(all).toContain('hostNamespaces');
    expect(all).toContain('runAsGroupPolicy');
    expect(rulesAffectedByUnknown(deployment, '/spec/replicas')).toEqual([]);
    expect(rulesAffectedByUnknown(deployment, '/metadata/name')).toEqual([]);
  });

  it('init and ephemeral containers count as containers; volumes by index', () => {
    expect(rulesReading('initContainers[1].securityContext.privileged')).toEqual(['privileged']);
    expect(rulesReading('volumes[2].hostPath')).toEqual(['hostPathVolumes', 'restrictedVolumes']);
    expect(rulesReading('metadata.annotations')).toEqual(['appArmorProfile', 'seccompProfile_baseline']);
  });

  it('a Namespace label affects the namespace rule', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod', labels: {} } };
    expect(rulesAffectedByUnknown(namespace, '/metadata/labels')).toEqual(['namespaceEnforceLabel']);
  });

  it('accepts container and volume fields as rules declare them, with or without an index', () => {
    expect(rulesReading('initContainers[].securityContext.privileged')).toEqual(['privileged']);
    expect(rulesReading('ephemeralContainers[12].securityContext.privileged')).toEqual(['privileged']);
    expect(rulesReading('volumes[].hostPath')).toEqual(['hostPathVolumes', 'restrictedVolumes']);
    expect(rulesReading('volumes[12].hostPath')).toEqual(['hostPathVolumes', 'restrictedVolumes']);
  });

  it('ignores array indexes inside a field', () => {
    expect(rulesReading('securityContext.sysctls[0].name')).toEqual(['sysctls']);
    expect(rulesReading('securityContext.sysctls[10].name')).toEqual(['sysctls']);
  });

  it('names only the rules of the target asked for', () => {
    expect(rulesReading('metadata.labels')).toEqual([]);
    expect(rulesReading('metadata.labels', 'namespace')).toEqual(['namespaceEnforceLabel']);
    expect(rulesReading('USER', 'dockerfile')).toEqual(['dockerfileUser', 'dockerfileGroupZero']);
  });

  it('an unknown kind, apiVersion or whole object affects every pod and namespace rule', () => {
    const podAndNamespaceRules = rulesFor('pod', 'namespace');
    expect(podAndNamespaceRules).toContain('namespaceEnforceLabel');
    expect(podAndNamespaceRules).not.toContain('dockerfileUser');
    for (const at of ['', '/kind', '/apiVersion']) {
      expect(rulesAffectedByUnknown(deployment, at), at).toEqual(podAndNamespaceRules);
    }
  });

  it('an unknown pod spec, pod metadata or template affects every pod rule, and only those', () => {
    const podRules = rulesFor('pod');
    for (const at of ['/spec/template', '/spec/template/spec', '/spec/template/metadata']) {
      expect(rulesAffectedByUnknown(deployment, at), at).toEqual(podRules);
    }
    for (const at of ['/spec', '/metadata']) expect(rulesAffectedByUnknown(pod, at), at).toEqual(podRules);
  });

  it('a workload whose pod template is unknown: every pod rule', () => {
    const unknownTemplate = { ...deployment, spec: { replicas: 2, template: '<unknown>' } };
    expect(rulesAffectedByUnknown(unknownTemplate, '/spec/template')).toEqual(rulesFor('pod'));
  });

  it('an unknown pod annotation affects the rules that read annotations', () => {
    const readers = ['appArmorProfile', 'seccompProfile_baseline'];
    expect(rulesAffectedByUnknown(deployment, '/spec/template/metadata/annotations')).toEqual(readers);
    expect(rulesAffectedByUnknown(pod, '/metadata/annotations/team')).toEqual(readers);
    expect(rulesAffectedByUnknown(pod, '/metadata/labels')).toEqual([]);
  });

  it('an unknown volume, or list of volumes, affects the volume rules', () => {
    const readers = ['hostPathVolumes', 'restrictedVolumes'];
    expect(rulesAffectedByUnknown(deployment, '/spec/template/spec/volumes/0/hostPath')).toEqual(readers);
    expect(rulesAffectedByUnknown(deployment, '/spec/template/spec/volumes/1')).toEqual(readers);
    expect(rulesAffectedByUnknown(pod, '/spec/volumes')).toEqual(readers);
  });

  it('a whole container group or the volumes, named without brackets, are read by what reads inside them', () => {
    for (const group of ['containers', 'initContainers', 'ephemeralContainers']) {
      expect(rulesReading(group), group).toEqual(rulesReading('containers[]'));
    }
    expect(rulesReading('containers')).toContain('privileged');
    expect(rulesReading('volumes')).toEqual(['hostPathVolumes', 'restrictedVolumes']);
    // A field that only starts like one is not a container group.
    expect(rulesReading('containersExtra')).toEqual([]);
    expect(rulesReading('volumesFrom')).toEqual([]);
  });

  it('an unknown value in an object that holds no pod affects no rule', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: {} };
    expect(rulesAffectedByUnknown(configMap, '/data/LOG_LEVEL')).toEqual([]);
    expect(rulesAffectedByUnknown(configMap, '/metadata/labels')).toEqual([]);
    // Its kind unknown, it could be any workload.
    expect(rulesAffectedByUnknown(configMap, '/kind')).toEqual(rulesFor('pod', 'namespace'));
  });

  it('an unknown Namespace field outside its metadata affects no rule', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' }, spec: {} };
    expect(rulesAffectedByUnknown(namespace, '/spec/finalizers')).toEqual([]);
  });
});

describe('fieldOfSpecTokens', () => {
  it('turns a container group and its index into containers[], volumes and their index into volumes[]', () => {
    expect(fieldOfSpecTokens(['initContainers', '3', 'securityContext'])).toEqual([
      'containers[]',
      'securityContext',
    ]);
    expect(fieldOfSpecTokens(['containers'])).toEqual(['containers[]']);
    expect(fieldOfSpecTokens(['volumes', '10', 'hostPath'])).toEqual(['volumes[]', 'hostPath']);
    expect(fieldOfSpecTokens(['volumes'])).toEqual(['volumes[]']);
  });

  it('drops the other array indexes', () => {
    expect(fieldOfSpecTokens(['containers', '0', 'securityContext', 'capabilities', 'add', '12'])).toEqual([
      'containers[]',
      'securityContext',
      'capabilities',
      'add',
    ]);
    expect(fieldOfSpecTokens(['securityContext', 'sysctls', '1', 'name'])).toEqual([
      'securityContext',
      'sysctls',
      'name',
    ]);
  });

  it('keeps a container group or volumes as a field name below the top of the spec', () => {
    expect(fieldOfSpecTokens(['securityContext', 'containers', 'volumes'])).toEqual([
      'securityContext',
      'containers',
      'volumes',
    ]);
  });

  it('only a whole number is an index: keys with digits stay, even right after a container group or volumes', () => {
    for (const key of ['app', 'app1', '1app']) {
      expect(fieldOfSpecTokens(['containers', key, 'image']), key).toEqual(['containers[]', key, 'image']);
      expect(fieldOfSpecTokens(['volumes', key]), key).toEqual(['volumes[]', key]);
      expect(fieldOfSpecTokens(['nodeSelector', key]), key).toEqual(['nodeSelector', key]);
    }
  });
});

describe('readsAnyOf', () => {
  // runAsUser reads securityContext.runAsUser, containers[].securityContext.runAsUser and hostUsers.
  const runAsUser = registeredRule('runAsUser');

  it('a rule reads a field it declares, a field inside one or a field around one', () => {
    expect(readsAnyOf(runAsUser, [['hostUsers']])).toBe(true);
    expect(readsAnyOf(runAsUser, [['containers[]', 'securityContext', 'runAsUser', 'extra']])).toBe(true);
    expect(readsAnyOf(runAsUser, [['containers[]', 'securityContext']])).toBe(true);
    expect(readsAnyOf(runAsUser, [[]])).toBe(true);
  });

  it('any one of the fields is enough', () => {
    expect(readsAnyOf(runAsUser, [['hostNetwork'], ['hostUsers']])).toBe(true);
    expect(readsAnyOf(runAsUser, [['hostNetwork'], ['containers[]', 'image']])).toBe(false);
    expect(readsAnyOf(runAsUser, [])).toBe(false);
  });

  it('gives the same answer every time it is asked about a rule', () => {
    const privileged = registeredRule('privileged');
    for (let round = 0; round < 2; round++) {
      expect(readsAnyOf(privileged, [['containers[]', 'securityContext', 'privileged']])).toBe(true);
      expect(readsAnyOf(privileged, [['hostUsers']])).toBe(false);
    }
  });
});

describe('unreadableFields', () => {
  const podView = { specPath: '/spec', metadataPath: '/metadata' };
  const templateView = { specPath: '/spec/template/spec', metadataPath: '/spec/template/metadata' };

  it('turns the pointer of each problem into a field as rules declare it', () => {
    const problems = [
      { path: '/spec/containers/0/securityContext/runAsUser' },
      { path: '/spec/volumes/2/hostPath/path' },
      { path: '/metadata/annotations/team' },
    ];
    expect(unreadableFields(problems, podView)).toEqual([
      ['containers[]', 'securityContext', 'runAsUser'],
      ['volumes[]', 'hostPath', 'path'],
      ['metadata', 'annotations', 'team'],
    ]);
  });

  it('reads pointers relative to a pod template inside a workload', () => {
    const problems = [
      { path: '/spec/template/spec/initContainers/1/securityContext/privileged' },
      { path: '/spec/template/metadata/labels/version' },
    ];
    expect(unreadableFields(problems, templateView)).toEqual([
      ['containers[]', 'securityContext', 'privileged'],
      ['metadata', 'labels', 'version'],
    ]);
  });

  it('a problem with the pod spec or the metadata itself makes every field unreadable', () => {
    expect(unreadableFields([{ path: '/spec' }, { path: '/metadata' }], podView)).toEqual([[], []]);
    expect(
      unreadableFields([{ path: '/spec/template/spec' }, { path: '/spec/template/metadata' }], templateView),
    ).toEqual([[], []]);
  });
});
