/**
 * Reading image users from what registries and engines print: `docker inspect <image>` (an array
 * of objects with `RepoTags`, `RepoDigests` and `Config.User`) and an OCI image config
 * (`crane config`, `skopeo inspect --config`: `{ "config": { "User": … } }`). Pure: the caller
 * reads and parses the file.
 */

import { PodguardInputError } from '../model/errors.js';
import { describeType } from '../podspec/describeType.js';
import { isRecord } from '../podspec/extract.js';

function userOf(config: unknown, where: string): string {
  if (config === undefined || config === null) return '';
  if (!isRecord(config))
    throw new PodguardInputError(`${where} must be an object, got ${describeType(config)}`, where);
  const user = config.User;
  // A missing User is the empty string in Go's decoding: no user, i.e. root.
  if (user === undefined || user === null) return '';
  if (typeof user !== 'string') {
    throw new PodguardInputError(
      `${where}.User must be a string, got ${describeType(user)}`,
      `${where}.User`,
    );
  }
  return user;
}

function stringList(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new PodguardInputError(`${where} must be an array of strings`, where);
  }
  return value as string[];
}

function fromDockerInspect(entry: Record<string, unknown>, where: string, out: Record<string, string>): void {
  const user = userOf(entry.Config, `${where}.Config`);
  const references = [
    ...stringList(entry.RepoTags, `${where}.RepoTags`),
    ...stringList(entry.RepoDigests, `${where}.RepoDigests`),
  ];
  if (references.length === 0) {
    throw new PodguardInputError(
      `${where} has no RepoTags or RepoDigests, so it cannot be matched to a container image`,
      where,
    );
  }
  for (const reference of references) out[reference] = user;
}

/**
 * Image users (reference → OCI `User` string) from parsed `docker inspect` output or an OCI
 * image config, ready for the `imageUsers` option.
 *
 * @param json The parsed file: a `docker inspect` array (or one of its entries), or an OCI image
 *   config (`{ config: { User } }`).
 * @param reference The image reference an OCI config belongs to (an OCI config does not name its
 *   image); ignored for `docker inspect` output, which carries `RepoTags`/`RepoDigests`.
 * @throws PodguardInputError naming the offending field when the JSON has neither shape, or when
 *   an OCI config comes without `reference`.
 */
export function imageUsersFromImageConfig(json: unknown, reference?: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(json)) {
    json.forEach((entry, index) => {
      if (!isRecord(entry)) {
        throw new PodguardInputError(
          `[${index}] must be an object, got ${describeType(entry)}`,
          `[${index}]`,
        );
      }
      fromDockerInspect(entry, `[${index}]`, out);
    });
    return out;
  }
  if (!isRecord(json)) {
    throw new PodguardInputError(
      `expected docker inspect output or an OCI image config, got ${describeType(json)}`,
      '',
    );
  }
  if ('RepoTags' in json || 'RepoDigests' in json || 'Config' in json) {
    fromDockerInspect(json, '', out);
    return out;
  }
  if ('config' in json || 'rootfs' in json || 'architecture' in json) {
    if (reference === undefined || reference === '') {
      throw new PodguardInputError(
        'an OCI image config does not name its image: pass the image reference it belongs to',
        'reference',
      );
    }
    out[reference] = userOf(json.config, 'config');
    return out;
  }
  throw new PodguardInputError(
    'expected docker inspect output (RepoTags, Config.User) or an OCI image config (config.User)',
    '',
  );
}
