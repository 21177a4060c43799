// Emits ESM + declarations with tsc, then a CommonJS build (tsc again, into dist/cjs) for
// CommonJS projects such as `cdk8s init typescript-app` under jest, whose module system cannot
// require() ESM. One CommonJS file per module, as in the ESM build, so the entries share their
// state (output layer, PodSecurity instances) instead of each bundling a copy.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = (project) =>
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', project], {
    stdio: 'inherit',
  });
rmSync('dist', { recursive: true, force: true });
tsc('tsconfig.build.json');
tsc('tsconfig.cjs.json');
writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
