/**
 * Test helpers for rule authors and users: `@podguard/policy-core/testing`.
 */
export {};
