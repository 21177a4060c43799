/**
 * cdk8s writes manifests with sorted keys (unless `CDK8S_DISABLE_SORT` is set). What podguard
 * writes after cdk8s rendered an object is sorted the same way, so the YAML reads as cdk8s's own.
 */

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A copy of a JSON value with object keys sorted at every depth, or the value itself when sorting is off. */
export function sortKeysLikeCdk8s<T>(value: T): T {
  if (process.env.CDK8S_DISABLE_SORT) return value;
  return sortDeep(value) as T;
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => compare(a, b))
      .map(([key, child]) => [key, sortDeep(child)]),
  );
}
