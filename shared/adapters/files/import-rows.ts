import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { ValidationError } from '../../domain/errors.js';

export type ImportFormat = 'csv' | 'jsonl';

/** CSV (with a header row) by its extension; JSON lines otherwise (.jsonl, .ndjson). */
export function importFormatOf(name: string): ImportFormat {
  return name.toLowerCase().endsWith('.csv') ? 'csv' : 'jsonl';
}

/** The rows of an import file, read as a stream so a file of millions of orders never sits in memory. */
export async function* importRows(input: Readable, format: ImportFormat): AsyncIterable<unknown> {
  if (format === 'csv') {
    yield* input.pipe(parse({ columns: true, skip_empty_lines: true, trim: true }));
    return;
  }
  let index = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (!line.trim()) continue;
    try {
      yield JSON.parse(line);
    } catch (error) {
      throw new ValidationError([
        { index, path: `row.${index}`, message: `not JSON: ${(error as Error).message}` },
      ]);
    }
    index += 1;
  }
}
