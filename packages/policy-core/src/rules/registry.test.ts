import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { engineDiagnostics } from '../engine/diagnosticRules.js';
import { profiles } from '../profiles/index.js';
import { podguardRules, psaRules, ruleRegistry } from './index.js';

const docsDir = fileURLToPath(new URL('../../../../docs/rules/', import.meta.url));

/** Upstream Pod Security Admission check ids at commit 8f84a87c. */
const UPSTREAM_CHECKS = [
  'allowPrivilegeEscalation',
  'appArmorProfile',
  'capabilities_baseline',
  'capabilities_restricted',
  'hostNamespaces',
  'hostPathVolumes',
  'hostPorts',
  'hostProbesAndHostLifecycle',
  'privileged',
  'procMount',
  'procMount_restricted',
  'restrictedVolumes',
  'runAsNonRoot',
  'runAsUser',
  'seLinuxOptions',
  'seccompProfile_baseline',
  'seccompProfile_restricted',
  'sysctls',
  'windowsHostProcess',
];

/** The engine's diagnostics and the Helm chart review, documented like rules. */
const OTHER_DOCUMENTED = [
  ...engineDiagnostics.map((diagnostic) => diagnostic.id),
  'helmChartSecurityContext',
];

describe('rule registry', () => {
  it('holds the 19 upstream checks with upstream ids', () => {
    expect(psaRules.map((rule) => rule.id).sort()).toEqual([...UPSTREAM_CHECKS].sort());
  });

  it('has unique ids', () => {
    expect(ruleRegistry.size).toBe(psaRules.length + podguardRules.length);
  });

  it('gives every rule a description and compliance controls', () => {
    for (const rule of ruleRegistry.values()) {
      expect(rule.description, rule.id).toMatch(/\S/);
      expect(rule.controls.length, rule.id).toBeGreaterThan(0);
      // An empty control would pass the docs page check below (every text contains '').
      for (const control of rule.controls) expect(control, rule.id).toMatch(/^\S(.*\S)?$/);
      expect(new Set(rule.controls).size, rule.id).toBe(rule.controls.length);
    }
  });

  it('resolves every rule a built-in profile names', () => {
    for (const profile of Object.values(profiles)) {
      for (const id of profile.rules) expect(ruleRegistry.has(id), `${profile.name}: ${id}`).toBe(true);
    }
  });
});

describe('docs/rules', () => {
  it.each([...ruleRegistry.keys()])('documents %s: title, level, controls and every message id', (id) => {
    const page = `${docsDir}${id}.md`;
    expect(existsSync(page), page).toBe(true);
    const text = readFileSync(page, 'utf8');
    const rule = ruleRegistry.get(id)!;
    expect(text.split('\n')[0]).toBe(`# ${id}`);
    expect(text).toContain(rule.level);
    for (const control of rule.controls) expect(text, `${id}: control ${control}`).toContain(control);
    for (const messageId of Object.keys(rule.messages ?? {}))
      expect(text, `${id}: message ${messageId}`).toContain(messageId);
  });

  it.each([...ruleRegistry.keys()])('states the fix kind of %s on its page and in docs/fixes.md', (id) => {
    const rule = ruleRegistry.get(id)!;
    expect(readFileSync(`${docsDir}${id}.md`, 'utf8')).toContain(`Fix kind: **${rule.fix}**`);
    const overview = readFileSync(`${docsDir}../fixes.md`, 'utf8');
    expect(overview).toContain(`| [${id}](rules/${id}.md) | ${rule.fix} |`);
  });

  it('lists every rule in the index page', () => {
    const index = readFileSync(`${docsDir}README.md`, 'utf8');
    for (const id of [...ruleRegistry.keys(), ...OTHER_DOCUMENTED])
      expect(index, id).toContain(`](${id}.md)`);
  });

  it('has no page for a rule that does not exist', () => {
    const pages = readdirSync(docsDir)
      .filter((name) => name.endsWith('.md'))
      .map((name) => name.slice(0, -3));
    const known = new Set([...ruleRegistry.keys(), ...OTHER_DOCUMENTED, 'README']);
    expect(pages.filter((page) => !known.has(page))).toEqual([]);
  });
});
