// Emits ESM + declarations with tsc. cdk8s-cli loads the validation plugin with require(), which
// Node >= 22.12 resolves to this ESM build (require(esm)), so no CommonJS bundle is needed.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
