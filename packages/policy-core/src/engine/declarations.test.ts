import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DEPRECATED_OPTION_NAMES, ENGINE_OPTION_SCHEMAS } from '../model/optionSchemas.js';
import type { EvaluateOptions } from '../model/options.js';
import { ruleRegistry } from '../rules/index.js';
import {
  optionReaders,
  podguardOptionsSchema,
  rulesAffectedByUnknown,
  rulesReading,
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
});
