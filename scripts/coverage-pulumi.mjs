// `npm run coverage:pulumi`: line coverage of packages/pulumi/src, counting the policy pack process.
//
// The pack runs in a child process (`run-policy-pack`, spawned by test/pulumi/harness.ts) that
// vitest's coverage does not see. So two sources are merged:
//   1. vitest's v8 coverage of the test processes (packages/pulumi/src/**/*.test.ts, test/pulumi/**),
//      which import the adapter from src;
//   2. the raw V8 coverage every child Node process writes when NODE_V8_COVERAGE is set (inherited by
//      the pack process), which loads packages/pulumi/dist; it is mapped back to src through dist's
//      source maps.
// Output: coverage/pulumi/ (text summary on stdout, html and lcov). Exits 1 below LINES_GOAL.
// Not part of `npm test`: it runs the Pulumi end-to-end tests once more, with coverage (minutes).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { convert } from 'ast-v8-to-istanbul';
import { parseAstAsync } from 'vitest/node';

const require = createRequire(import.meta.url);
const libCoverage = require('istanbul-lib-coverage');
const libReport = require('istanbul-lib-report');
const reports = require('istanbul-reports');

const LINES_GOAL = 90;
const root = resolve(import.meta.dirname, '..');
const out = join(root, 'coverage', 'pulumi');
const raw = join(out, 'raw');
const src = join(root, 'packages', 'pulumi', 'src');

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(raw, { recursive: true });

// The pack loads packages/pulumi/dist: build it (with source maps) from the current sources.
run('npx', ['turbo', 'run', 'build', '--filter=@podguard/pulumi']);

run(
  'npx',
  [
    'vitest',
    'run',
    '--project=pulumi',
    '--project=e2e',
    // File filters: the adapter's unit tests and the end-to-end tests of test/pulumi/.
    'packages/pulumi/src/',
    'test/pulumi/',
    '--coverage.enabled',
    '--coverage.provider=v8',
    // Relative to each selected project's root: packages/pulumi/src (test/ has no src/).
    '--coverage.include=src/**',
    '--coverage.exclude=**/*.test.ts',
    '--coverage.reporter=json',
    `--coverage.reportsDirectory=${join(out, 'tests')}`,
    '--reporter=dot',
  ],
  {
    NODE_V8_COVERAGE: raw,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${join(root, 'scripts', 'coverage-exit-on-signal.cjs')}`,
  },
);

// The pack processes' raw V8 coverage of packages/pulumi/dist, mapped back to src by dist's source
// maps with ast-v8-to-istanbul, the converter vitest's v8 provider uses (so both halves count lines alike).
const dist = join(root, 'packages', 'pulumi', 'dist') + '/';
const packMap = libCoverage.createCoverageMap({});
for (const name of readdirSync(raw)) {
  const { result } = JSON.parse(readFileSync(join(raw, name), 'utf8'));
  for (const script of result) {
    if (!script.url.startsWith('file://')) continue;
    const file = fileURLToPath(script.url);
    if (!file.startsWith(dist) || !file.endsWith('.js') || !existsSync(`${file}.map`)) continue;
    const code = readFileSync(file, 'utf8');
    packMap.merge(
      await convert({
        ast: parseAstAsync(code),
        code,
        wrapperLength: 0,
        coverage: script,
        sourceMap: JSON.parse(readFileSync(`${file}.map`, 'utf8')),
      }),
    );
  }
}
mkdirSync(join(out, 'pack'), { recursive: true });
writeFileSync(join(out, 'pack', 'coverage-final.json'), JSON.stringify(packMap.toJSON()));

const map = libCoverage.createCoverageMap({});
for (const file of [join(out, 'tests', 'coverage-final.json'), join(out, 'pack', 'coverage-final.json')]) {
  if (!existsSync(file)) {
    console.error(`missing ${relative(root, file)}`);
    process.exit(1);
  }
  map.merge(JSON.parse(readFileSync(file, 'utf8')));
}
map.filter((file) => file.startsWith(src + '/') && !file.endsWith('.test.ts') && !file.endsWith('.d.ts'));

const context = libReport.createContext({ dir: out, coverageMap: map, defaultSummarizer: 'nested' });
for (const name of ['text', 'text-summary', 'html', 'lcovonly']) reports.create(name).execute(context);

const lines = map.getCoverageSummary().lines.pct;
console.log(
  `\npackages/pulumi/src lines: ${lines}% (goal ${LINES_GOAL}%); report: coverage/pulumi/index.html`,
);
if (lines < LINES_GOAL) process.exit(1);
