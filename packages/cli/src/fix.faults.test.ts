/** --fix under faults: a full disk, a file changed during the scan, concurrent runs, unwritable files. */
import {
  chmodSync,
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type CliIo, main } from './main.js';
import { type FixFs, nodeFixFs } from './safeWrite.js';

const pod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n    - name: c\n      image: registry.example/app:1\n`;

function temp(): string {
  return mkdtempSync(join(tmpdir(), 'podguard-fix-faults-'));
}

async function run(args: string[], cwd: string, fixFs?: FixFs) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdin: Readable.from(['']),
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    cwd,
    env: {},
    ...(fixFs ? { fixFs } : {}),
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('--fix under faults', () => {
  it('a full disk leaves that file whole, fixes the others, prints the report, exits 2', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    writeFileSync(join(dir, 'b.yaml'), pod('b'));
    const fullDisk: FixFs = {
      ...nodeFixFs,
      create: async (path, mode) => {
        const handle = await nodeFixFs.create(path, mode);
        if (!path.includes('a.yaml')) return handle;
        return {
          ...handle,
          writeFile: async () => {
            throw errno('ENOSPC');
          },
          chmod: (m) => handle.chmod(m),
          chown: (u, g) => handle.chown(u, g),
          sync: () => handle.sync(),
          close: () => handle.close(),
        };
      },
    };
    const result = await run(['scan', '.', '--fix', '--format', 'json'], dir, fullDisk);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('podguard: a.yaml: not fixed: cannot write: no space left on device');
    expect(result.stderr).toMatch(/b\.yaml: applied \d+ fixes/);
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(pod('a'));
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).not.toBe(pod('b'));
    const report = JSON.parse(result.stdout) as { inputErrors: { file: string; message: string }[] };
    expect(report.inputErrors).toEqual([
      { file: 'a.yaml', message: 'not fixed: cannot write: no space left on device' },
    ]);
    // No temporary file is left behind.
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'b.yaml']);
  });

  it('an unwritable file is an error for that file only', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    writeFileSync(join(dir, 'b.yaml'), pod('b'));
    const refused: FixFs = {
      ...nodeFixFs,
      create: async (path, mode) => {
        if (path.includes('b.yaml')) throw errno('EACCES');
        return nodeFixFs.create(path, mode);
      },
    };
    const result = await run(['scan', '.', '--fix'], dir, refused);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('podguard: b.yaml: not fixed: cannot write: permission denied');
    expect(result.stderr).not.toContain('internal error');
    expect(readFileSync(join(dir, 'b.yaml'), 'utf8')).toBe(pod('b'));
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toContain('allowPrivilegeEscalation: false');
    // The report of what is left is printed.
    expect(result.stdout).toContain('b.yaml');
  });

  it('a file changed during the scan is left alone, named', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    const prepended = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: added}\n---\n${pod('a')}`;
    const meddler: FixFs = {
      ...nodeFixFs,
      create: async (path, mode) => {
        // Someone saves the file between the scan and the fix.
        writeFileSync(join(dir, 'a.yaml'), prepended);
        return nodeFixFs.create(path, mode);
      },
    };
    const result = await run(['scan', 'a.yaml', '--fix'], dir, meddler);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'podguard: a.yaml: not fixed: the file changed since it was scanned; run podguard again',
    );
    expect(readFileSync(join(dir, 'a.yaml'), 'utf8')).toBe(prepended);
  });

  it('two concurrent runs never interleave: one fixes, the file is whole', async () => {
    const dir = temp();
    const text = Array.from({ length: 200 }, (_, i) => pod(`p${i}`)).join('---\n');
    writeFileSync(join(dir, 'many.yaml'), text);
    const [first, second] = await Promise.all([
      run(['scan', 'many.yaml', '--fix'], dir),
      run(['scan', 'many.yaml', '--fix'], dir),
    ]);
    const single = temp();
    writeFileSync(join(single, 'many.yaml'), text);
    await run(['scan', 'many.yaml', '--fix'], single);
    expect(readFileSync(join(dir, 'many.yaml'), 'utf8')).toBe(
      readFileSync(join(single, 'many.yaml'), 'utf8'),
    );
    const outputs = [first?.stderr ?? '', second?.stderr ?? ''];
    expect(outputs.filter((out) => /applied \d+ fixes/.test(out))).toHaveLength(1);
    for (const out of outputs.filter((o) => !/applied/.test(o))) {
      expect(out).toMatch(/changed since it was scanned|another podguard --fix is rewriting this file/);
    }
  });

  it('keeps the mode and the owner of the file', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    chmodSync(join(dir, 'a.yaml'), 0o640);
    const before = statSync(join(dir, 'a.yaml'));
    expect((await run(['scan', 'a.yaml', '--fix'], dir)).stderr).toMatch(/applied/);
    const after = statSync(join(dir, 'a.yaml'));
    expect(after.mode & 0o7777).toBe(0o640);
    expect([after.uid, after.gid]).toEqual([before.uid, before.gid]);
    expect(after.ino).not.toBe(before.ino);
  });

  it('keeps hard links: a file with other names is written in place, every name sees the fix', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    linkSync(join(dir, 'a.yaml'), join(dir, 'also-a.yaml'));
    const before = statSync(join(dir, 'a.yaml'));
    expect((await run(['scan', 'a.yaml', '--fix'], dir)).stderr).toMatch(/a\.yaml: applied/);
    const after = statSync(join(dir, 'a.yaml'));
    expect(after.ino).toBe(before.ino);
    expect(after.nlink).toBe(2);
    const fixed = readFileSync(join(dir, 'a.yaml'), 'utf8');
    expect(fixed).toContain('runAsNonRoot: true');
    expect(readFileSync(join(dir, 'also-a.yaml'), 'utf8')).toBe(fixed);
    expect(readdirSync(dir).sort()).toEqual(['a.yaml', 'also-a.yaml']);
  });

  it('a failed write in place keeps the fixed text in the temporary file and names it', async () => {
    const dir = temp();
    writeFileSync(join(dir, 'a.yaml'), pod('a'));
    linkSync(join(dir, 'a.yaml'), join(dir, 'also-a.yaml'));
    const failing: FixFs = {
      ...nodeFixFs,
      overwrite: async () => {
        throw errno('EIO');
      },
    };
    const result = await run(['scan', 'a.yaml', '--fix'], dir, failing);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `a.yaml: not fixed: cannot write it in place (it has 2 hard links): input/output error; the fixed text is in ${join(dir, '.a.yaml.podguard-fix')}`,
    );
    expect(readFileSync(join(dir, '.a.yaml.podguard-fix'), 'utf8')).toContain('runAsNonRoot: true');
  });

  it('keeps every byte it does not fix: mixed line endings, BOM, invalid UTF-8, big numbers', async () => {
    const dir = temp();
    const bytes = Buffer.concat([
      Buffer.from('\uFEFF# caf'),
      Buffer.from([0xe9, 0xff]),
      Buffer.from(' (latin-1 in a comment)\r\napiVersion: v1\nkind: Pod\r\nmetadata:\n  name: p\n'),
      Buffer.from('spec:\n  containers:\r\n    - name: c\n      image: x\r\n'),
      Buffer.from(
        '---\n{"apiVersion": "example.com/v1", "kind": "Budget", "spec": {"big": 12345678901234567890}}\r\n',
      ),
    ]);
    writeFileSync(join(dir, 'p.yaml'), bytes);
    const result = await run(['scan', 'p.yaml', '--fix'], dir);
    expect(result.stderr, result.stdout).toMatch(/applied \d+ fixes/);
    const fixed = readFileSync(join(dir, 'p.yaml'));
    // The original bytes, in order, with only lines inserted.
    const head = bytes.subarray(0, bytes.indexOf('spec:'));
    expect(fixed.subarray(0, head.length).equals(head)).toBe(true);
    expect(fixed.includes(Buffer.from('{"big": 12345678901234567890}}\r\n'))).toBe(true);
    expect(fixed.includes(Buffer.from('      image: x\r\n      securityContext:\r\n'))).toBe(true);
    expect(fixed.toString('latin1')).not.toMatch(/[^\r]\n(?=\s+securityContext)/);
    const rescan = await run(['scan', 'p.yaml', '--fix', '--dry-run'], dir);
    expect(rescan.stdout).toBe('');
  });
});
