/**
 * Test helpers for rule authors and users: `@podguard/policy-core/testing`.
 */
export {
  assertInvalid,
  assertValid,
  type InvalidCase,
  podView,
  RuleTester,
  ruleContext,
  runRule,
  runRuleResults,
  type TestHooks,
  type ValidCase,
} from './ruleTester.js';
