/** Ids of the engine's own diagnostics: findings that do not come from a registered rule. */

/** Rule id of findings about input that could not be evaluated (wrong types, no pod spec). */
export const INVALID_INPUT = 'invalidInput';
/** Rule id of findings about malformed suppressions. */
export const INVALID_SUPPRESSION = 'invalidSuppression';
/** Rule id of findings about suppressions that matched nothing. */
export const UNUSED_SUPPRESSION = 'unusedSuppression';
/** Rule id of warnings about deprecated option names (`pssVersion`, `exemptions`, `warnings`). */
export const DEPRECATED_OPTION = 'deprecatedOption';
/**
 * Rule id of warnings about a field podguard cannot judge before a controller runs (an Argo
 * `podSpecPatch` with `{{...}}` expressions): what it sets is not checked, and that is said.
 */
export const UNJUDGED_FIELD = 'unjudgedField';
