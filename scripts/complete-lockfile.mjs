// Restores the lockfile entries of platform-specific optional packages (Biome's and turbo's
// per-platform binaries) for platforms other than this one.
//
// Why: the npm registry mirror this project is developed against answers 404 for other platforms'
// binaries, so `npm install` leaves them out of package-lock.json, and `npm ci` then refuses the
// lockfile ("Missing: @biomejs/cli-darwin-arm64@ from lock file"). An entry with the right os/cpu/
// libc is all npm ci needs: it skips packages for other platforms without fetching them.
// Run after any `npm install` that rewrites the lockfile: `node scripts/complete-lockfile.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const lockFile = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockFile, 'utf8'));

/** Platform of a binary package, from its conventional name. */
function platformOf(name) {
  const musl = name.endsWith('-musl');
  const base = name.replace(/-musl$/, '');
  const [, os, cpu] = /[/-](android|darwin|linux|win32|windows)-(arm64|x64|64)$/.exec(base) ?? [];
  if (!os) return undefined;
  return {
    os: [os === 'windows' ? 'win32' : os],
    cpu: [cpu === '64' ? 'x64' : cpu],
    ...(os === 'linux' ? { libc: [musl ? 'musl' : 'glibc'] } : {}),
  };
}

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  if (!['node_modules/@biomejs/biome', 'node_modules/turbo'].includes(path)) continue;
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    const platform = platformOf(name);
    if (!platform) throw new Error(`cannot tell the platform of ${name}`);
    lock.packages[key] = { version, ...platform, dev: true, license: entry.license, optional: true };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) =>
    a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ),
);
writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform entries restored`);
