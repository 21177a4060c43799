import { existsSync, readFileSync } from 'node:fs';

/**
 * The docs page of a rule: shipped in `dist/docs/rules` by the build, read from the repository's
 * `docs/rules` when running from source.
 */
export function ruleDoc(id: string): string | undefined {
  if (!/^[A-Za-z_]+$/.test(id)) return undefined;
  // dist/podguard.mjs, dist/chunks/*.mjs, and src/ in the repository.
  for (const dir of ['./docs/rules/', '../docs/rules/', '../../../docs/rules/']) {
    const url = new URL(`${dir}${id}.md`, import.meta.url);
    if (existsSync(url)) return readFileSync(url, 'utf8');
  }
  return undefined;
}
