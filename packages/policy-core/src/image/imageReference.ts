/**
 * Matching container `image` fields against the keys of the `imageUsers` option.
 *
 * Normalisation follows the Docker reference rules the kubelet and containerd apply
 * (`docker.io/distribution/reference.ParseNormalizedNamed`): a name without a registry is on
 * `docker.io`, a single-component Docker Hub name is in `library/`, and a reference with neither
 * tag nor digest means `:latest`. So `nginx`, `nginx:latest`, `library/nginx` and
 * `docker.io/library/nginx:latest` are the same image.
 */
import { PodguardInputError } from '../model/errors.js';
import { describeArgument, requireString } from '../model/inputGuard.js';

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

interface ParsedReference {
  /** `docker.io/library/nginx`. */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

function parseReference(reference: string): ParsedReference {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  // A tag follows the last ':' that comes after the last '/' (a ':' before it is a registry port).
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const slash = rest.indexOf('/');
  const first = slash === -1 ? '' : rest.slice(0, slash);
  // The first component is a registry when it looks like a host: has '.', ':' or is localhost.
  const hasDomain = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let domain = hasDomain ? first : DEFAULT_DOMAIN;
  let path = hasDomain ? rest.slice(slash + 1) : rest;
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = `library/${path}`;
  // Docker Hub repository paths are lower case; other registries' hosts are case-insensitive.
  const repository = `${domain.toLowerCase()}/${path}`;
  const parsed: { repository: string; tag?: string; digest?: string } = { repository };
  if (tag !== undefined) parsed.tag = tag;
  if (digest !== undefined) parsed.digest = digest;
  return parsed;
}

/**
 * The fully qualified form of an image reference: `nginx` is `docker.io/library/nginx:latest`,
 * `registry.example:5000/app@sha256:…` keeps its digest and gets no tag.
 */
export function normalizeImageReference(reference: string): string {
  requireString(reference, 'reference');
  const parsed = parseReference(reference);
  const tag = parsed.tag ?? (parsed.digest === undefined ? 'latest' : undefined);
  return `${parsed.repository}${tag === undefined ? '' : `:${tag}`}${parsed.digest === undefined ? '' : `@${parsed.digest}`}`;
}

/**
 * The image `User` string recorded for a container image, or undefined when none is known.
 *
 * Lookup order: (1) a key equal to `image`; (2) a key that normalises to the same reference
 * (`nginx` and `docker.io/library/nginx:latest`); (3) a key written as a bare repository with a
 * trailing `:*` (`registry.example/app:*`), which matches every tag and digest of that repository.
 * A bare key without tag means `:latest`, as for `docker pull`, and does not match other tags.
 */
export function imageUserFor(
  image: string | undefined,
  imageUsers: Readonly<Record<string, string>>,
): string | undefined {
  if (image === undefined || image === '') return undefined;
  requireString(image, 'image');
  if (typeof imageUsers !== 'object' || imageUsers === null || Array.isArray(imageUsers)) {
    throw new PodguardInputError(
      `imageUsers must be an object mapping image references to USER strings, got ${describeArgument(imageUsers)}`,
      'imageUsers',
    );
  }
  if (Object.hasOwn(imageUsers, image)) return imageUsers[image];
  const index = indexOf(imageUsers);
  const key =
    index.byReference.get(normalizeImageReference(image)) ??
    index.byRepository.get(parseReference(image).repository);
  return key === undefined ? undefined : imageUsers[key];
}

/** Normalised reference (or repository, for `:*` keys) → the option key it came from. */
interface ImageUserIndex {
  readonly keys: readonly string[];
  readonly byReference: ReadonlyMap<string, string>;
  readonly byRepository: ReadonlyMap<string, string>;
  /** The object was frozen when indexed, so its keys cannot have changed since. */
  readonly frozen: boolean;
}

// Rules look images up once per container: normalise an option object's keys once, not per
// lookup. Values are always read from the object. A frozen object (the engine freezes resolved
// options) keeps its index for good, so a lookup is a map access whatever the number of keys
// (1,000 containers against 100,000 keys took minutes when every lookup listed the keys, issue 19);
// for another object a changed key set rebuilds the index.
const indexes = new WeakMap<object, ImageUserIndex>();

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function indexOf(imageUsers: Readonly<Record<string, string>>): ImageUserIndex {
  const cached = indexes.get(imageUsers);
  // Frozenness is recorded when the index is built: `Object.isFrozen` itself walks every key.
  if (cached?.frozen) return cached;
  const keys = Object.keys(imageUsers);
  if (cached && sameKeys(cached.keys, keys)) return cached;
  const byReference = new Map<string, string>();
  const byRepository = new Map<string, string>();
  for (const key of keys) {
    if (key.endsWith(':*')) {
      const repository = parseReference(key.slice(0, -2)).repository;
      if (!byRepository.has(repository)) byRepository.set(repository, key);
    } else {
      const reference = normalizeImageReference(key);
      if (!byReference.has(reference)) byReference.set(reference, key);
    }
  }
  const index = { keys, byReference, byRepository, frozen: Object.isFrozen(imageUsers) };
  indexes.set(imageUsers, index);
  return index;
}
