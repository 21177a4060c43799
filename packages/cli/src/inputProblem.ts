/** A problem with the input itself (binary data, malformed YAML), with the place it was found. */
export class InputProblem extends Error {
  override readonly name = 'InputProblem';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}
