/**
 * The public API of @podguard/policy-core as an API report: every export of every entry with its
 * kind and signature (test/apiReport.ts). A change to `api/public-api.txt` is a change to what users
 * (main entry), rule authors (`/rulekit`) and test writers (`/testing`) can import or see: review
 * it as such, then update the file with `npx vitest run packages/policy-core/src/publicApi.test.ts -u`.
 */
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { apiReport } from '../../../test/apiReport.js';

it('lists every export of every entry, with its kind and signature', async () => {
  const src = (file: string) => fileURLToPath(new URL(file, import.meta.url));
  const report = apiReport('@podguard/policy-core', [
    { subpath: '.', file: src('index.ts') },
    { subpath: './rulekit', file: src('rulekit/index.ts') },
    { subpath: './testing', file: src('testing/index.ts') },
  ]);
  await expect(report).toMatchFileSnapshot('../api/public-api.txt');
}, 120_000);
