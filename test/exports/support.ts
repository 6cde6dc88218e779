import { parse } from 'csv-parse/sync';
import type { TestApp } from '../support/app';

export interface Download {
  status: number;
  headers: Headers;
  text: string;
}

/** GETs an export with a bearer token (or none) and reads the whole body as UTF-8. */
export async function download(
  app: TestApp,
  path: string,
  token: string | null,
  headers: Record<string, string> = {},
): Promise<Download> {
  const res = await fetch(`${app.url}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A CSV body as objects keyed by its header row, parsed by csv-parse (RFC 4180, CRLF). */
export function parseCsv(text: string): Array<Record<string, string>> {
  return parse(text, { columns: true, record_delimiter: '\r\n', relax_quotes: false }) as Array<
    Record<string, string>
  >;
}

/** The header row of a CSV body. */
export function csvHeader(text: string): string[] {
  return (parse(text, { to_line: 1, record_delimiter: '\r\n' }) as string[][])[0]!;
}

/** An NDJSON body's lines, each parsed (every line must be one JSON object). */
export function parseNdjson(text: string): Array<Record<string, unknown>> {
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
