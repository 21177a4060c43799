/**
 * `podguard scan --fix` on a copy of test/real-world/ (issue 11's done-when, CLI side): nothing the
 * authors wrote is changed or removed; what is left has only unsafe or no fixes; a second --fix
 * changes nothing; every file parses to as many documents as before; lines no fix touches stay
 * byte for byte, and the changed lines are at most the fields added plus the parents they need.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../packages/cli/src/testing.js';

const corpus = fileURLToPath(new URL('./real-world/', import.meta.url));

const files = readdirSync(corpus).filter((name) => name.endsWith('.yaml'));
const documentsOf = (text: string) => parseAllDocuments(text).map((document) => document.toJS() as unknown);

/** Every leaf (scalar, or empty collection) of a value, by path. */
function leaves(value: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((item, i) => {
      leaves(item, `${path}/${i}`, out);
    });
  } else if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
    for (const [key, member] of Object.entries(value)) leaves(member, `${path}/${key}`, out);
  } else out.set(path, value);
  return out;
}

/** Lines a fix needs: each added leaf, and each new map or sequence under a key (its `key:` line). */
function neededLines(before: unknown, after: unknown): number {
  if (JSON.stringify(before) === JSON.stringify(after)) return 0;
  if (Array.isArray(after) && Array.isArray(before)) {
    let n = 0;
    after.forEach((item, i) => {
      n += neededLines(before[i], item);
    });
    return n;
  }
  if (typeof after === 'object' && after !== null && !Array.isArray(after)) {
    const old = (typeof before === 'object' && before !== null ? before : {}) as Record<string, unknown>;
    let n = typeof before === 'object' && before !== null ? 0 : 1;
    for (const [key, member] of Object.entries(after)) {
      const nested = typeof member === 'object' && member !== null && Object.keys(member).length > 0;
      n += (nested && !(key in old) ? 1 : 0) + neededLines(old[key], member);
    }
    return n;
  }
  if (Array.isArray(after)) return 1 + after.reduce<number>((n, item) => n + neededLines(undefined, item), 0);
  return 1;
}

/**
 * Lines added or changed from `before` to `after`, matching lines in order (a changed line is an
 * original line replaced by one new line). Infinity when an original line went missing otherwise.
 */
function changedLines(before: string, after: string): number {
  const old = before.split('\n');
  let at = 0;
  let changed = 0;
  for (const line of after.split('\n')) {
    if (at < old.length && old[at] === line) at++;
    else if (at + 1 < old.length && old[at + 1] === line) {
      // old[at] was changed (a flow line that took new fields); this line is the next original.
      at += 2;
    } else changed++;
  }
  return at === old.length ? changed : Number.POSITIVE_INFINITY;
}

describe('podguard scan --fix on test/real-world', () => {
  const dir = mkdtempSync(join(tmpdir(), 'podguard-real-world-'));
  let first: Awaited<ReturnType<typeof runCli>>;

  beforeAll(async () => {
    cpSync(corpus, dir, { recursive: true });
    first = await runCli(['scan', '.', '--fix', '--format', 'json'], { cwd: dir });
  }, 120_000);

  it('fixes without errors and reports what is left, each with an unsafe fix or none', () => {
    expect(first.stderr).not.toContain('internal error');
    expect(first.stderr).not.toContain('not fixed');
    expect(first.stderr).toMatch(/applied \d+ fix/);
    const report = JSON.parse(first.stdout) as {
      inputErrors: unknown[];
      findings: { status: string; rule: string; fix?: { kind: string } }[];
    };
    expect(report.inputErrors).toEqual([]);
    const left = report.findings.filter((finding) => finding.status === 'fail' && finding.fix);
    expect(
      left
        .filter((finding) => finding.fix?.kind !== 'unsafe')
        .map((finding) => `${finding.rule} ${JSON.stringify(finding)}`),
    ).toEqual([]);
  });

  it.each(files)('%s: nothing the author wrote changed, same documents, only needed lines added', (name) => {
    const before = readFileSync(join(corpus, name), 'utf8');
    const after = readFileSync(join(dir, name), 'utf8');
    const old = documentsOf(before);
    const fixed = documentsOf(after);
    expect(fixed).toHaveLength(old.length);
    let needed = 0;
    old.forEach((document, i) => {
      const kept = leaves(fixed[i]);
      for (const [path, value] of leaves(document)) {
        // An empty collection the author wrote may gain members (`volumes: []`); a scalar stays.
        const isEmpty = typeof value === 'object' && value !== null;
        if (!isEmpty) expect(kept.get(path), `${name} document ${i + 1} ${path}`).toEqual(value);
      }
      needed += neededLines(document, fixed[i]);
    });
    // Flow documents take several fields on one line: the count is an upper bound.
    expect(changedLines(before, after)).toBeLessThanOrEqual(needed);
  });

  it('a second --fix changes nothing', async () => {
    const snapshot = files.map((name) => readFileSync(join(dir, name)));
    const again = await runCli(['scan', '.', '--fix', '--dry-run'], { cwd: dir });
    expect(again.stdout).toBe('');
    expect(again.code).toBe(0);
    await runCli(['scan', '.', '--fix'], { cwd: dir });
    files.forEach((name, i) => {
      expect(readFileSync(join(dir, name)).equals(snapshot[i] as Buffer), name).toBe(true);
    });
  }, 120_000);
});
