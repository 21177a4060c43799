/**
 * Message templates of podguard rules: `{name}` placeholders, so a rule's `messages` record is
 * both what its docs page shows and what its findings say.
 */

/**
 * A template split once into its text and its placeholder names: `parts[0]`, then for each
 * placeholder its name and the text after it (`'{a} and {b}.'` is `['', 'a', ' and ', 'b', '.']`).
 */
const compiled = new Map<string, readonly string[]>();

function partsOf(template: string): readonly string[] {
  let parts = compiled.get(template);
  if (parts === undefined) {
    // split() with a capturing group keeps the names at the odd indexes.
    parts = template.split(/\{([A-Za-z]+)\}/);
    compiled.set(template, parts);
  }
  return parts;
}

/** Fills `{name}` placeholders; throws on a placeholder without a value (a rule bug, never silent). */
export function renderMessage(template: string, values: Readonly<Record<string, string | number>>): string {
  // Rules declare their templates as constants: a few dozen, each split once.
  const parts = partsOf(template);
  let out = parts[0] as string;
  for (let index = 1; index < parts.length; index += 2) {
    const name = parts[index] as string;
    const value = values[name];
    if (value === undefined) throw new Error(`message template "${template}" has no value for {${name}}`);
    out += String(value) + (parts[index + 1] as string);
  }
  return out;
}
