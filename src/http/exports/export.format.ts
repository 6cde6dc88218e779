import { Transform } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ExportColumn } from '../../domain/exports/export.types';

export type ExportFormat = 'csv' | 'ndjson';

type Columns = readonly Pick<ExportColumn, 'header' | 'kind'>[];

/** How a list (the memberships' `via`) is written in one CSV cell: ids joined by ">". */
export const CSV_LIST_SEPARATOR = '>';

/** Bytes gathered before a write to the response: fewer, larger chunks than one per row. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The transforms from rows (arrays of values in column order, from the cursor) to CSV (RFC 4180): a header row, CRLF
 * line ends, fields quoted when they hold a comma, a quote or a line break, quotes doubled. Cells
 * that start with =, +, -, @, tab or carriage return get a leading `'` (OWASP's CSV-injection
 * advice: a spreadsheet would otherwise run them as formulas); booleans are `true`/`false`, null
 * an empty cell. `bom` prefixes the UTF-8 byte-order mark some spreadsheet programs need.
 */
export function csvEncoder(columns: Columns, opts: { bom?: boolean } = {}): Transform[] {
  const lists = columns.flatMap((c, i) => (c.kind === 'stringList' ? [i] : []));
  const stringifier = stringify({
    header: true,
    columns: columns.map((c) => c.header),
    bom: opts.bom === true,
    escape_formulas: true,
    record_delimiter: 'windows',
    // csv-stringify quotes a field holding the record delimiter (CRLF), not a lone CR or LF.
    quoted_match: /[\r\n]/,
    cast: { boolean: (v) => (v ? 'true' : 'false') },
  });
  if (lists.length === 0) return [stringifier];
  const joinLists = new Transform({
    objectMode: true,
    transform(row: unknown[], _enc, done) {
      for (const i of lists) {
        const v = row[i];
        if (Array.isArray(v)) row[i] = v.join(CSV_LIST_SEPARATOR);
      }
      done(null, row);
    },
  });
  return [joinLists, stringifier];
}

/** The transform from rows to newline-delimited JSON: one object per line, keyed by the headers, values typed. */
export function ndjsonEncoder(columns: Columns): Transform[] {
  const keys = columns.map((c, i) => `${i === 0 ? '{' : ','}${JSON.stringify(c.header)}:`);
  const encode = new Transform({
    writableObjectMode: true,
    transform(row: unknown[], _enc, done) {
      let line = '';
      for (let i = 0; i < keys.length; i++) line += keys[i]! + JSON.stringify(row[i] ?? null);
      done(null, `${line}}\n`);
    },
  });
  return [encode];
}

/** Gathers the encoder's small chunks into writes of about CHUNK_BYTES. */
export function chunker(): Transform {
  let parts: Buffer[] = [];
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      parts.push(chunk);
      size += chunk.length;
      if (size < CHUNK_BYTES) return done();
      const out = Buffer.concat(parts, size);
      parts = [];
      size = 0;
      done(null, out);
    },
    flush(done) {
      done(null, size > 0 ? Buffer.concat(parts, size) : undefined);
    },
  });
}
