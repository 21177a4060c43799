// `npm run bench`: every package's benchmark, one after the other (they compete for 2 cores otherwise).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const benches = [
  'packages/policy-core/bench/core.bench.mjs',
  'packages/policy-core/bench/harden.bench.mjs',
  'packages/cli/bench/cli.bench.mjs',
  'packages/cli/bench/fix.bench.mjs',
  'packages/cli/bench/cluster.bench.mjs',
  'packages/cdk8s/bench/validate.bench.mjs',
  'packages/pulumi/bench/pack.bench.mjs',
];
let failed = false;
for (const file of benches) {
  if (!existsSync(file)) {
    console.error(`missing benchmark ${file}`);
    failed = true;
    continue;
  }
  console.log(`\n## ${file}\n`);
  const { status } = spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
