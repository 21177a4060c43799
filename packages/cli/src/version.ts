import { readFileSync } from 'node:fs';

// Set by the bundler (build.mjs); unset when running from source.
declare const PODGUARD_VERSION: string | undefined;

/** The CLI's version: baked in at build time, or read from package.json when running from source. */
export function cliVersion(): string {
  if (typeof PODGUARD_VERSION === 'string') return PODGUARD_VERSION;
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
