/** Upstream's `joinQuote`: `"a", "b"`. */
export function joinQuote(items: readonly string[]): string {
  if (items.length === 0) return '';
  return `"${items.join('", "')}"`;
}

/** Upstream's `pluralize`. */
export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Go's `%q` for the ASCII strings Kubernetes names and values are made of. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}
