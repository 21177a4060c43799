/** The one error type the core throws for input it cannot evaluate. */

/** Thrown for input that cannot be evaluated at all: an unknown version, invalid options. */
export class PodguardInputError extends Error {
  override readonly name = 'PodguardInputError';
  /** Dotted or pointer path of the offending option or field. */
  readonly field: string | undefined;
  constructor(message: string, field?: string) {
    super(message);
    this.field = field;
  }
}
