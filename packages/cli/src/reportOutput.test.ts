import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { type CliIo, emit } from './io.js';
import { runCli } from './testing.js';

const dir = mkdtempSync(join(tmpdir(), 'podguard-report-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (name: string) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\nspec:\n  containers:\n  - name: c\n    image: x\n`;

describe('--format ndjson', () => {
  it('prints one finding per line, the JSON report’s findings; unreadable inputs on stderr, exit 2', async () => {
    writeFileSync(join(dir, 'pods.yaml'), `${pod('a')}---\n${pod('b')}`);
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [\n');
    const json = await runCli(['scan', 'pods.yaml', '--format', 'json'], { cwd: dir });
    const ndjson = await runCli(['scan', 'pods.yaml', '--format', 'ndjson'], { cwd: dir });
    expect(ndjson.code).toBe(json.code);
    const lines = ndjson.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(JSON.parse(json.stdout).findings);
    expect(lines.length).toBeGreaterThan(2);

    const broken = await runCli(['scan', 'pods.yaml', 'broken.yaml', '--format', 'ndjson'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^podguard: broken\.yaml:1:\d+: invalid YAML/m);
    expect(
      broken.stdout
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line).rule),
    ).toBe(true);
  });

  it('writes --output files in pieces, the same bytes as standard output', async () => {
    const out = await runCli(['scan', 'pods.yaml', '--format', 'json', '--output', 'report.json'], {
      cwd: dir,
    });
    const stdout = await runCli(['scan', 'pods.yaml', '--format', 'json'], { cwd: dir });
    expect(out.stdout).toBe('');
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(stdout.stdout);
  });
});

describe('emit, for reports written in pieces', () => {
  /** A stdout whose buffer is always full: every write asks the writer to wait for `drain`. */
  function slowStdout() {
    const events = new EventEmitter();
    const written: string[] = [];
    const stdout = {
      write: (text: string) => {
        written.push(text);
        return false;
      },
      once: (event: 'drain' | 'error' | 'close', listener: () => void) => events.once(event, listener),
      removeListener: (event: 'drain' | 'error' | 'close', listener: () => void) =>
        events.removeListener(event, listener),
    };
    return { stdout, events, written };
  }
  const io = (stdout: CliIo['stdout']): CliIo => ({
    stdin: Readable.from(['']),
    stdout,
    stderr: { write: () => true },
    cwd: dir,
    env: {},
  });
  const pieces = function* () {
    for (let i = 0; i < 4; i++) yield 'x'.repeat(40 * 1024);
  };

  it('waits for the reader between batches and writes every piece', async () => {
    const { stdout, events, written } = slowStdout();
    const writing = emit(pieces(), undefined, io(stdout));
    // 160 KB in 64 KB batches: each write waits for drain.
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      events.emit('drain');
    }
    await writing;
    expect(written.join('')).toBe([...pieces()].join(''));
    expect(written.length).toBeLessThan(4);
    expect(
      events.listenerCount('drain') + events.listenerCount('close') + events.listenerCount('error'),
    ).toBe(0);
  });

  it('stops when the reader goes away (| head -1) instead of waiting for ever', async () => {
    const { stdout, events, written } = slowStdout();
    const writing = emit(pieces(), undefined, io(stdout));
    await new Promise((resolve) => setImmediate(resolve));
    events.emit('close');
    await writing;
    expect(written).toHaveLength(1);
  });
});
