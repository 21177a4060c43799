import type { JsonPointer } from '../model/types.js';

/** Escapes one JSON pointer reference token (RFC 6901). */
export function escapePointerToken(token: string | number): string {
  if (typeof token === 'number') return String(token);
  return token.includes('~') || token.includes('/') ? token.replace(/~/g, '~0').replace(/\//g, '~1') : token;
}

/** Appends reference tokens to a JSON pointer: `pointer('/spec', 'containers', 0)` is `/spec/containers/0`. */
export function pointer(base: JsonPointer, ...tokens: (string | number)[]): JsonPointer {
  let out = base;
  for (let index = 0; index < tokens.length; index++) {
    out += `/${escapePointerToken(tokens[index] as string | number)}`;
  }
  return out;
}

/** Splits a JSON pointer into unescaped reference tokens. */
export function parsePointer(path: JsonPointer): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new Error(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}
