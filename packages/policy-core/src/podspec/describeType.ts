/** `a string`, `an array`, `null`... for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'object':
      return 'an object';
    case 'string':
      return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
    case 'number':
      // Past 2^53 a number read from text is rounded: say so rather than print digits that were not written.
      return Number.isInteger(value) && !Number.isSafeInteger(value)
        ? `a number too large to read exactly (about ${value.toExponential(3)})`
        : `a number (${value})`;
    case 'boolean':
      return `a boolean (${value})`;
    case 'undefined':
      return 'nothing';
    default:
      return typeof value;
  }
}
