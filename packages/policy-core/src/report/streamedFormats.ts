/** The report formats a front end may write while the scan runs (see streamed.ts), by name. */
import { compactStream } from './compact.js';
import { jsonStream, ndjsonStream } from './json.js';
import type { StreamedFormat } from './streamed.js';

/** The formats a front end may write as the scan goes, by name. */
export const streamedFormats: Readonly<Record<'json' | 'ndjson' | 'compact', StreamedFormat>> = {
  json: jsonStream,
  ndjson: ndjsonStream,
  compact: compactStream,
};
