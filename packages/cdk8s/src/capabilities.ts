/**
 * Linux capability names as Kubernetes and Pod Security Admission spell them.
 *
 * cdk8s-plus-27's `Capability` enum holds `CAP_`-prefixed values (`CAP_NET_BIND_SERVICE`). Container
 * runtimes accept both spellings, but PSA compares strings: `restricted` only admits the exact
 * name `NET_BIND_SERVICE`, so kplus output fails admission even for the one allowed capability.
 */
import type { Capability } from 'cdk8s-plus-27';

/** A capability name without the `CAP_` prefix, e.g. `NET_BIND_SERVICE` (the enum keys of kplus). */
export type CapabilityName = keyof typeof Capability;

/** `CAP_NET_BIND_SERVICE` and `NET_BIND_SERVICE` both become `NET_BIND_SERVICE`; `ALL` stays `ALL`. */
export function capabilityName(value: string): string {
  return value.startsWith('CAP_') ? value.slice(4) : value;
}

/** Normalised, de-duplicated capability names, in first-seen order. */
export function capabilityNames(values: readonly unknown[]): string[] {
  const names: string[] = [];
  for (const value of values) {
    if (typeof value !== 'string') continue;
    const name = capabilityName(value);
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
