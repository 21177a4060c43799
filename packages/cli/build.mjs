// Bundles the CLI into dist/ (fast start-up: one file for `--version`, the scan code in a chunk
// loaded on demand and shared with scan-worker.mjs, the entry of the scan's worker threads),
// copies the rule docs for `podguard explain`, and emits the library's types.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: { podguard: 'src/bin.ts', index: 'src/index.ts', 'scan-worker': 'src/scanWorker.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  // Bundled CommonJS dependencies (yaml) call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __podguardCreateRequire } from 'node:module'; const require = __podguardCreateRequire(import.meta.url);",
  },
  define: { PODGUARD_VERSION: JSON.stringify(JSON.parse(readFileSync('package.json', 'utf8')).version) },
  logLevel: 'warning',
});
chmodSync('dist/podguard.mjs', 0o755);
cpSync('../../docs/rules', 'dist/docs/rules', { recursive: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
