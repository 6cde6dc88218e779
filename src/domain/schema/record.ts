/**
 * The stored attributes of a definition as fields of a row and of a domain record: which column
 * holds which record path, how a row value becomes a record value, and each field's value when
 * absent. The row mapping and the input defaults of a resource are derived from these (ADR 0007).
 */
import type { Attribute, ResourceDefinition } from './attribute';

export interface StoredField {
  readonly column: string;
  /** A jsonb array column. */
  readonly json: boolean;
  /** The record path, split (`['enterprise', 'costCenter']`). */
  readonly path: readonly string[];
  readonly type: 'text' | 'boolean' | 'list';
  /** The service checks and writes this column itself (a reference such as the manager). */
  readonly resolved: boolean;
  /** The record value when the input does not give one. */
  readonly absent: unknown;
}

function fieldOf(a: Attribute): StoredField[] {
  const s = a.storage;
  if (s === undefined || (s.kind !== 'column' && s.kind !== 'jsonb') || s.record === undefined) return [];
  const list = s.kind === 'jsonb';
  const type = list ? 'list' : a.type === 'boolean' ? 'boolean' : 'text';
  const absent = list ? [] : s.kind === 'column' && s.absent !== undefined ? s.absent : null;
  return [
    {
      column: s.column,
      json: list,
      path: s.record.split('.'),
      type,
      resolved: s.kind === 'column' && s.resolved === true,
      absent,
    },
  ];
}

/** Every attribute stored at a record path, sub-attributes of single-valued complex ones included. */
export function storedFields(def: ResourceDefinition): readonly StoredField[] {
  const out: StoredField[] = [];
  for (const schema of [def.core, ...def.extensions]) {
    for (const a of schema.attributes) {
      out.push(...fieldOf(a));
      if (!a.multiValued) for (const sub of a.subAttributes ?? []) out.push(...fieldOf(sub));
    }
  }
  return out;
}

export function getPath(obj: unknown, path: readonly string[]): unknown {
  let v: unknown = obj;
  for (const key of path) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key];
  return v;
}

function setPath(obj: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let target = obj;
  // Indexed, not path.slice(0, -1): this runs for every attribute of every row a request maps.
  const last = path.length - 1;
  for (let i = 0; i < last; i++) target = (target[path[i]!] ??= {}) as Record<string, unknown>;
  target[path[last]!] = value;
}

function fromRow(field: StoredField, v: unknown): unknown {
  switch (field.type) {
    case 'boolean':
      return v === true;
    case 'list':
      return typeof v === 'string' ? (JSON.parse(v) as unknown[]) : ((v as unknown[] | null) ?? []);
    case 'text':
      return v === null || v === undefined ? null : String(v);
  }
}

/** The record values of a row, nested at their paths. */
export function readRow(
  fields: readonly StoredField[],
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) setPath(out, f.path, fromRow(f, row[f.column]));
  return out;
}

/** Every field of `input` (a partial record), the absent value where it gives none or null. */
export function withDefaults(fields: readonly StoredField[], input: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) setPath(out, f.path, getPath(input, f.path) ?? f.absent);
  return out;
}

/** A copy of the stored fields of a record (nested objects copied, values shared). */
export function copyStored(fields: readonly StoredField[], record: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) setPath(out, f.path, getPath(record, f.path));
  return out;
}
