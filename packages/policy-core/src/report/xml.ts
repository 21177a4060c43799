/**
 * XML 1.0 escaping for the JUnit report. Finding messages quote user input (names, images,
 * annotation values), which may hold any character, including ones XML 1.0 cannot carry at all.
 */

/**
 * Replaces what XML 1.0 forbids even as character references (C0 controls other than tab, line
 * feed and carriage return; U+FFFE, U+FFFF; lone surrogates) with a visible `\uXXXX`, so the
 * report still shows them.
 */
function replaceIllegal(text: string): string {
  let result = '';
  for (let index = 0; index < text.length; index++) {
    const unit = text.charCodeAt(index);
    const isHigh = unit >= 0xd800 && unit <= 0xdbff;
    if (isHigh && index + 1 < text.length) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        result += text.slice(index, index + 2);
        index++;
        continue;
      }
    }
    const illegal =
      (unit < 0x20 && unit !== 0x09 && unit !== 0x0a && unit !== 0x0d) ||
      unit === 0xfffe ||
      unit === 0xffff ||
      (unit >= 0xd800 && unit <= 0xdfff);
    result += illegal ? `\\u${unit.toString(16).toUpperCase().padStart(4, '0')}` : text[index];
  }
  return result;
}

/** Escapes text content. */
export function escapeXmlText(text: string): string {
  return replaceIllegal(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Escapes an attribute value (for double quotes). Tab, line feed and carriage return become
 * character references, since attribute value normalisation would turn them into spaces.
 */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}
