/**
 * Finds unrendered Helm/Go templates: a chart's `templates/*.yaml` scanned before `helm template`.
 * Such a document may fail to parse ("Block collections are not allowed within flow collections"),
 * or parse into nonsense (`runAsUser: {{ .Values.uid }}` is a flow mapping), so it is recognised
 * from its text, before parsing.
 *
 * A `{{` counts only where YAML would start a node: at the start of a line, after `- `, after
 * `key: `, or inside a flow collection. There no rendered document can have one (YAML reads it as
 * a flow mapping). Inside quoted strings, block scalars, comments and the middle of plain scalars,
 * `{{ … }}` is data: Prometheus alert descriptions, Alertmanager and Argo templates are rendered
 * manifests that carry Go templates as strings.
 */

/** The message of the input error. */
export const UNRENDERED_TEMPLATE = 'an unrendered Helm/Go template: render it with `helm template` first';

const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(#.*)?$/;

/** Where the first template action sits (1-based, within `text`), or undefined. */
export function findTemplateAction(text: string): { line: number; column: number } | undefined {
  if (!text.includes('{{')) return undefined;
  const lines = text.split('\n');
  /** Inside a block scalar: lines indented more than this belong to it. */
  let blockIndent: number | undefined;
  /** Inside a quoted scalar that goes on over lines. */
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    const indent = line.length - line.trimStart().length;
    if (blockIndent !== undefined) {
      if (line.trim() === '' || indent > blockIndent) continue;
      blockIndent = undefined;
    }
    let nodeStart = quote === undefined;
    for (let j = quote === undefined ? indent : 0; j < line.length; j++) {
      const char = line[j] as string;
      if (quote !== undefined) {
        if (quote === '"' && char === '\\') j++;
        else if (char === quote && quote === "'" && line[j + 1] === "'") j++;
        else if (char === quote) {
          quote = undefined;
          nodeStart = false;
        }
        continue;
      }
      if (char === ' ' || char === '\t') continue;
      if (char === '#' && (j === 0 || line[j - 1] === ' ' || line[j - 1] === '\t')) break;
      const next = line[j + 1];
      const endsToken = next === undefined || next === ' ' || next === '\t';
      if (nodeStart && char === '{' && next === '{') return { line: i + 1, column: j + 1 };
      if (nodeStart && (char === '"' || char === "'")) {
        quote = char;
        continue;
      }
      if (nodeStart && (char === '|' || char === '>') && BLOCK_SCALAR.test(line.slice(j))) {
        blockIndent = indent;
        break;
      }
      if ((char === '-' || char === '?' || char === ':') && endsToken) nodeStart = true;
      else if (char === '[' || char === '{' || char === ',') nodeStart = true;
      else nodeStart = false;
    }
  }
  return undefined;
}
