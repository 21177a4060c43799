/**
 * The package's version, for the synth report's `tool.version`. A constant (ESM and CommonJS builds
 * read it alike, with no `import.meta`); `packageVersion.test.ts` holds it to package.json.
 */
export const PACKAGE_VERSION = '0.1.0';
