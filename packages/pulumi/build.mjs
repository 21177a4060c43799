// Emits CommonJS + declarations with tsc: Pulumi programs and `run-policy-pack` load packs with
// require(), and @podguard/policy-core ships a CommonJS build for exactly that.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
