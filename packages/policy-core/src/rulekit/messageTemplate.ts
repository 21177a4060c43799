/**
 * Message templates of podguard rules: `{name}` placeholders, so a rule's `messages` record is
 * both what its docs page shows and what its findings say.
 */

/** Fills `{name}` placeholders; throws on a placeholder without a value (a rule bug, never silent). */
export function renderMessage(template: string, values: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`message template "${template}" has no value for {${name}}`);
    return String(value);
  });
}
