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

/** Splits text into code spans and the rest, as CommonMark does: a run of n backticks closes at the next run of n. */
function codeSpans(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  let plain = '';
  let i = 0;
  const runAt = (at: number) => {
    let n = 0;
    while (text[at + n] === '`') n++;
    return n;
  };
  while (i < text.length) {
    if (text[i] !== '`') {
      plain += text[i];
      i++;
      continue;
    }
    const n = runAt(i);
    let close = -1;
    for (let j = i + n; j < text.length; ) {
      const m = runAt(j);
      if (m === n) {
        close = j;
        break;
      }
      j += Math.max(m, 1);
    }
    if (close < 0) {
      plain += text.slice(i, i + n);
      i += n;
      continue;
    }
    if (plain !== '') parts.push({ code: false, text: plain });
    plain = '';
    let code = text.slice(i + n, close);
    if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
    parts.push({ code: true, text: code });
    i = close + n;
  }
  if (plain !== '') parts.push({ code: false, text: plain });
  return parts;
}

/** Inline Markdown: code spans, strong/emphasis, links. */
function inline(text: string, paint: Paint): string {
  return codeSpans(text)
    .map((part) => {
      if (part.code) return paint.code(part.text);
      return part.text
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
/** Tables wrap their last column to fit this many columns. */
const WIDTH = 100;

/** Word-wraps text (which may hold colour escapes) to `width` visible columns. */
function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && visibleLength(line) + 1 + visibleLength(word) > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

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
  // The last column wraps under itself so that a table fits the width.
  const lastColumn = widths.length - 1;
  const before = 2 + widths.slice(0, lastColumn).reduce((sum, width) => sum + width + 3, 0);
  if (before > WIDTH - 30) {
    // Too wide for columns: one record per row, each cell under its header's name.
    const names = cells[0] as string[];
    return cells.slice(1).flatMap((row, index) => [
      ...(index > 0 ? [''] : []),
      ...row.flatMap((cell, column) => {
        const [first, ...rest] = wrapWords(`${paint.bold(`${names[column] ?? ''}:`)} ${cell}`, WIDTH - 4);
        return [`  ${first ?? ''}`, ...rest.map((line) => `    ${line}`)];
      }),
    ]);
  }
  const lastWidth = Math.max(30, Math.min(widths[lastColumn] ?? 0, WIDTH - before));
  widths[lastColumn] = lastWidth;
  const lines = (row: string[]): string[] => {
    const head = `  ${row
      .slice(0, lastColumn)
      .map((cell, column) => cell + ' '.repeat((widths[column] ?? 0) - visibleLength(cell)))
      .map((cell) => `${cell}   `)
      .join('')}`;
    const [first, ...rest] = wrapWords(row[lastColumn] ?? '', lastWidth);
    return [`${head}${first ?? ''}`.trimEnd(), ...rest.map((line) => `${' '.repeat(before)}${line}`)];
  };
  return [
    ...lines(cells[0] as string[]).map((line) => paint.bold(line)),
    `  ${widths.map((width) => '─'.repeat(width)).join('   ')}`,
    ...cells.slice(1).flatMap(lines),
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
