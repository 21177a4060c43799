/** Pod Security policy versions (`v1.25`, `latest`). */
import { PodguardInputError } from './errors.js';

export const VERSION_PATTERN = /^v1\.(0|[1-9][0-9]*)$/;

/**
 * Parses a policy version (`v1.25`, `latest`) into its minor number (`latest` is Infinity).
 * Throws {@link PodguardInputError} for anything else.
 */
export function parseVersion(version: string): number {
  if (version === 'latest') return Number.POSITIVE_INFINITY;
  const match = VERSION_PATTERN.exec(version);
  if (!match) {
    throw new PodguardInputError(
      `invalid Pod Security version "${version}": expected "latest" or "v1.<minor>" (e.g. "v1.25")`,
      'version',
    );
  }
  return Number(match[1]);
}
