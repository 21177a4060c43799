/**
 * A small, tolerant XML reader for Maven POMs: elements with their offsets, text with entities
 * decoded, comments, CDATA, processing instructions and DOCTYPE skipped. It never throws: a stray
 * closing tag is ignored, unclosed elements end where the text ends. One pass over the text, no
 * regular expressions on unbounded input.
 */

/** One element: its name, where its tags are, its text and its child elements. */
export interface XmlElement {
  readonly name: string;
  /** Offset of `<` of the opening tag. */
  readonly start: number;
  /** Offset just after `>` of the opening tag. */
  openEnd: number;
  /** Offset of `<` of the closing tag (equal to `openEnd` for `<x/>`). */
  closeStart: number;
  /** Offset just after the closing tag. */
  end: number;
  /** True for `<x/>`. */
  selfClosing: boolean;
  readonly children: XmlElement[];
  /** The element's own text (not its children's), entities decoded, trimmed. */
  text: string;
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  let index = 0;
  while (index < text.length) {
    const amp = text.indexOf('&', index);
    if (amp === -1) break;
    out += text.slice(index, amp);
    const semi = text.indexOf(';', amp);
    const name = semi === -1 || semi - amp > 10 ? undefined : text.slice(amp + 1, semi);
    let decoded: string | undefined;
    if (name !== undefined) {
      if (name.startsWith('#x')) decoded = String.fromCodePoint(Number.parseInt(name.slice(2), 16) || 0xfffd);
      else if (name.startsWith('#'))
        decoded = String.fromCodePoint(Number.parseInt(name.slice(1), 10) || 0xfffd);
      else decoded = ENTITIES[name];
    }
    if (decoded === undefined) {
      out += '&';
      index = amp + 1;
    } else {
      out += decoded;
      index = (semi as number) + 1;
    }
  }
  return out + text.slice(index);
}

const isNameChar = (code: number): boolean =>
  (code >= 97 && code <= 122) ||
  (code >= 65 && code <= 90) ||
  (code >= 48 && code <= 57) ||
  code === 45 ||
  code === 46 ||
  code === 95 ||
  code === 58;

/** Skips a quoted attribute value or anything else up to the tag's `>`; returns the offset after `>`. */
function endOfTag(text: string, from: number): { end: number; selfClosing: boolean } {
  let index = from;
  while (index < text.length) {
    const char = text[index];
    if (char === '"' || char === "'") {
      const close = text.indexOf(char, index + 1);
      index = close === -1 ? text.length : close + 1;
      continue;
    }
    if (char === '>') return { end: index + 1, selfClosing: text[index - 1] === '/' };
    index++;
  }
  return { end: text.length, selfClosing: false };
}

/** The root elements of `text` (a POM has one, `<project>`). */
export function readXml(text: string): XmlElement[] {
  const roots: XmlElement[] = [];
  const stack: XmlElement[] = [];
  const texts: string[][] = [];
  // How many elements of each name are open: a closing tag with none open is dropped at once.
  const openCount = new Map<string, number>();
  let index = 0;
  const addText = (raw: string) => {
    const current = texts[texts.length - 1];
    if (current) current.push(raw);
  };
  const close = (element: XmlElement, closeStart: number, end: number) => {
    openCount.set(element.name, (openCount.get(element.name) ?? 1) - 1);
    element.closeStart = closeStart;
    element.end = end;
    element.text = decodeEntities((texts.pop() ?? []).join('')).trim();
  };
  while (index < text.length) {
    const lt = text.indexOf('<', index);
    if (lt === -1) {
      addText(text.slice(index));
      break;
    }
    addText(text.slice(index, lt));
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      index = end === -1 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      const stop = end === -1 ? text.length : end;
      // CDATA is literal text: entities in it are not decoded, so they are escaped here.
      addText(text.slice(lt + 9, stop).replaceAll('&', '&amp;'));
      index = end === -1 ? text.length : end + 3;
      continue;
    }
    if (text[lt + 1] === '?' || text[lt + 1] === '!') {
      index = endOfTag(text, lt + 2).end;
      continue;
    }
    if (text[lt + 1] === '/') {
      let nameEnd = lt + 2;
      while (nameEnd < text.length && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
      const name = text.slice(lt + 2, nameEnd);
      const { end } = endOfTag(text, nameEnd);
      // Tolerant: close up to the nearest open element of that name; a stray closing tag is ignored.
      // Elements closed on the way never reopen, so the scans add up to the text's length.
      let at = -1;
      if ((openCount.get(name) ?? 0) > 0) {
        at = stack.length - 1;
        while (at >= 0 && (stack[at] as XmlElement).name !== name) at--;
      }
      if (at !== -1) {
        while (stack.length > at + 1) {
          const unclosed = stack.pop() as XmlElement;
          close(unclosed, lt, lt);
        }
        close(stack.pop() as XmlElement, lt, end);
      }
      index = end;
      continue;
    }
    let nameEnd = lt + 1;
    while (nameEnd < text.length && isNameChar(text.charCodeAt(nameEnd))) nameEnd++;
    if (nameEnd === lt + 1) {
      // A lone `<` in text: kept as text.
      addText('<');
      index = lt + 1;
      continue;
    }
    const { end, selfClosing } = endOfTag(text, nameEnd);
    const element: XmlElement = {
      name: text.slice(lt + 1, nameEnd),
      start: lt,
      openEnd: end,
      closeStart: end,
      end,
      selfClosing,
      children: [],
      text: '',
    };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else roots.push(element);
    if (!selfClosing) {
      openCount.set(element.name, (openCount.get(element.name) ?? 0) + 1);
      stack.push(element);
      texts.push([]);
    }
    index = end;
  }
  while (stack.length > 0) close(stack.pop() as XmlElement, text.length, text.length);
  return roots;
}

/** The first child element named `name`. */
export function childElement(element: XmlElement | undefined, name: string): XmlElement | undefined {
  return element?.children.find((child) => child.name === name);
}

/** The child elements named `name`. */
export function childElements(element: XmlElement | undefined, name: string): XmlElement[] {
  return element ? element.children.filter((child) => child.name === name) : [];
}

/** The element at a path of child names (`build/plugins`). */
export function elementAt(element: XmlElement | undefined, path: string): XmlElement | undefined {
  let current = element;
  for (const name of path.split('/')) current = childElement(current, name);
  return current;
}
