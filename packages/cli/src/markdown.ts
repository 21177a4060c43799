/**
 * Renders the rule docs' Markdown for a terminal (`podguard explain`): headings as bold text,
 * tables as aligned columns, code blocks indented, links as `text (url)`. With colour off the
 * output is plain text with no Markdown punctuation left (`#`, `|---|`, code fences, `**`).
 * Only the Markdown the docs use is handled: ATX headings, paragraphs, lists, pipe tables, fences.
 */

interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  code(text: string): string;
}

const plainPaint: Paint = { bold: (t) => t, dim: (t) => t, code: (t) => t };
const ansiPaint: Paint = {
  bold: (t) => `\u001b[1m${t}\u001b[22m`,
  dim: (t) => `\u001b[2m${t}\u001b[22m`,
  code: (t) => `\u001b[36m${t}\u001b[39m`,
};

/** Inline Markdown: code spans, strong/emphasis, links. */
function inline(text: string, paint: Paint): string {
  const parts = text.split(/(`[^`]+`)/);
  return parts
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return paint.code(part.slice(1, -1));
      return part
        .replace(/\[([^\]]+)\]\(([^)]+)\)/g, (_, label: string, url: string) =>
          /^https?:/.test(url) ? `${label} (${url})` : label,
        )
        .replace(/\*\*([^*]+)\*\*/g, (_, strong: string) => paint.bold(strong))
        .replace(/(^|[\s(])_([^_\s][^_]*)_(?=[\s).,;:]|$)/g, '$1$2');
    })
    .join('');
}

// biome-ignore lint/complexity/useRegexLiterals: a literal would hold a control character
const ANSI_ESCAPE = new RegExp(String.raw`\u001b\[\d+m`, 'g');
const visibleLength = (text: string) => text.replace(ANSI_ESCAPE, '').length;

function tableCells(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  // `\|` inside a cell is a literal bar.
  return trimmed.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

const isTableRule = (line: string) => /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(line);

function renderTable(rows: string[][], paint: Paint): string[] {
  const [header, ...body] = rows;
  if (!header) return [];
  const cells = [header, ...body].map((row) => row.map((cell) => inline(cell, paint)));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => visibleLength(row[column] ?? ''))));
  const line = (row: string[]) =>
    `  ${row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell)),
      )
      .join('   ')}`.trimEnd();
  return [
    paint.bold(line(cells[0] as string[])),
    `  ${widths.map((width) => '─'.repeat(width)).join('   ')}`,
    ...cells.slice(1).map(line),
  ];
}

/** Renders a Markdown page for the terminal; `color` adds bold headings and coloured code. */
export function renderMarkdown(markdown: string, color: boolean): string {
  const paint = color ? ansiPaint : plainPaint;
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const fence = /^(\s*)(```|~~~)/.exec(line);
    if (fence) {
      const marker = fence[2] as string;
      for (i++; i < lines.length && !(lines[i] as string).trimStart().startsWith(marker); i++) {
        out.push(paint.code(`    ${lines[i] as string}`).trimEnd());
      }
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const text = inline(heading[2] as string, plainPaint);
      const level = (heading[1] as string).length;
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      out.push(paint.bold(level === 1 ? text.toUpperCase() : text));
      if (level <= 2) out.push(paint.dim((level === 1 ? '═' : '─').repeat(text.length)));
      continue;
    }
    if (line.trimStart().startsWith('|') && i + 1 < lines.length && isTableRule(lines[i + 1] as string)) {
      const rows = [tableCells(line)];
      for (i += 2; i < lines.length && (lines[i] as string).trimStart().startsWith('|'); i++) {
        rows.push(tableCells(lines[i] as string));
      }
      i--;
      out.push(...renderTable(rows, paint));
      continue;
    }
    const item = /^(\s*)[-*+]\s+(.*)$/.exec(line);
    if (item) {
      out.push(`${item[1] as string}  • ${inline(item[2] as string, paint)}`);
      continue;
    }
    out.push(inline(line, paint));
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}
