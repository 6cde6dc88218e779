/**
 * RFC 7644 §3.5.2 on ONE resource's complex multi-valued attribute (emails, phoneNumbers, roles, …),
 * with Entra's create-on-filter behaviour. Mutates the container it is given (apply-user-patch.ts
 * hands it a private copy).
 */
import { isObject, type JsonObject } from '../json-reader';
import type { NormalizedOp } from './entra-normalize';
import { deleteKey, getKey, setKey } from './keys';
import { PatchError } from './types';
import { eqTemplate, matchesEntry } from './value-filter';
import { coerceEntry, jsonEqual, type Entry } from './values';

/** Applies `op` (whose target is a complex multi-valued attribute) to `container`. */
export function applyMultiValued(container: JsonObject, op: NormalizedOp): void {
  const { attr, sub, filter } = op.target;
  const current = getKey(container, attr.name);
  let list: Entry[] = Array.isArray(current) ? current.filter(isObject).map((e) => ({ ...e })) : [];
  const touched = new Set<Entry>();
  if (filter !== undefined) {
    list = applyFiltered(list, op, touched);
  } else if (sub !== undefined) {
    list = applyToEverySub(list, op, sub.name, touched);
  } else if (op.op === 'remove') {
    list = [];
  } else if (op.op === 'replace') {
    // RFC 7644 §3.5.2.3: replace on a multi-valued attribute replaces all its values. This is also
    // Entra's "assertive" roles mapping, which sends the full set every time.
    list = (op.value as Entry[]).map((e) => ({ ...e }));
    list.forEach((e) => touched.add(e));
  } else {
    list = addEntries(list, op.value as Entry[], attr.name, touched);
  }
  keepOnePrimary(list, touched);
  // RFC 7644 §3.5.2.2: an attribute with no values left is unassigned.
  if (list.length > 0) setKey(container, attr.name, list);
  else deleteKey(container, attr.name);
}

function applyFiltered(list: Entry[], op: NormalizedOp, touched: Set<Entry>): Entry[] {
  const { attr, sub, filter } = op.target;
  const matches = new Set(list.filter((e) => filter !== undefined && matchesEntry(e, filter)));
  if (op.op === 'remove') {
    // A filter matching nothing is a successful no-op: RFC 7644 §3.5.2.2 defines no error for it,
    // and Entra re-sends removes for entries that are already gone (a retried or parallel request).
    if (sub === undefined) return list.filter((e) => !matches.has(e));
    for (const e of matches) deleteKey(e, sub.name);
    // An entry whose `value` is removed no longer designates anything: it goes too.
    return sub.name === 'value' ? list.filter((e) => !matches.has(e)) : list;
  }
  const template = filter && eqTemplate(filter);
  if (matches.size === 0) {
    // Entra (and RFC 7644 §3.5.2.1 for add): add/replace on a filter matching nothing creates the entry
    // from the filter's eq clauses — `phoneNumbers[type eq "mobile"].value` → {type:"mobile", value}.
    // RFC 7644 §3.5.2.3 would answer noTarget for replace; Entra relies on creation, so we create.
    // Later ops with the same filter then match this entry, so they merge into it.
    if (template === undefined) {
      throw new PatchError(
        'noTarget',
        `${op.label}: no ${attr.name} entry matches the filter, and only eq comparisons joined by "and" describe an entry to create.`,
      );
    }
    const entry = { ...coerceEntry(attr, template), ...valueAsEntry(op) };
    touched.add(entry);
    return [...list, entry];
  }
  return list.map((e) => {
    if (!matches.has(e)) return e;
    let next: Entry;
    if (sub !== undefined || op.op === 'add') {
      next = e;
      for (const [k, v] of Object.entries(valueAsEntry(op))) setKey(next, k, v);
    } else {
      // RFC 7644 §3.5.2.3: matching records are replaced; the filter's eq clauses stay true of them.
      next = { ...(template && coerceEntry(attr, template)), ...valueAsEntry(op) };
    }
    touched.add(next);
    return next;
  });
}

function valueAsEntry(op: NormalizedOp): Entry {
  const { sub } = op.target;
  return sub !== undefined ? { [sub.name]: op.value } : { ...(op.value as Entry) };
}

/** `emails.value` without a filter: the sub-attribute of every entry (RFC 7644 §3.5.2.3). */
function applyToEverySub(list: Entry[], op: NormalizedOp, sub: string, touched: Set<Entry>): Entry[] {
  if (op.op === 'remove') {
    if (sub === 'value') return [];
    for (const e of list) deleteKey(e, sub);
    return list;
  }
  if (list.length === 0) list.push({});
  for (const e of list) {
    setKey(e, sub, op.value);
    touched.add(e);
  }
  return list;
}

/**
 * RFC 7644 §3.5.2.1: add appends to a multi-valued attribute. An entry equal to an existing one
 * (same value and type; for roles, same value) is merged instead of duplicated, so Entra re-sending
 * an add is idempotent.
 */
function addEntries(list: Entry[], entries: Entry[], attrName: string, touched: Set<Entry>): Entry[] {
  for (const entry of entries) {
    const same = list.find((e) => sameEntry(attrName, e, entry));
    if (same !== undefined) {
      for (const [k, v] of Object.entries(entry)) setKey(same, k, v);
      touched.add(same);
    } else {
      const copy = { ...entry };
      list.push(copy);
      touched.add(copy);
    }
  }
  return list;
}

function sameEntry(attrName: string, a: Entry, b: Entry): boolean {
  if (jsonEqual(a, b)) return true;
  if (b.value === undefined || a.value !== b.value) return false;
  if (attrName === 'roles') return true;
  const type = (e: Entry): string | null => (typeof e.type === 'string' ? e.type.toLowerCase() : null);
  return type(a) === type(b);
}

/**
 * RFC 7643 §2.4: at most one entry has primary=true. The entry this operation set wins (the last
 * one, if it set several); otherwise the first existing primary is kept.
 */
function keepOnePrimary(list: Entry[], touched: Set<Entry>): void {
  const primaries = list.filter((e) => e.primary === true);
  if (primaries.length <= 1) return;
  const mine = primaries.filter((e) => touched.has(e));
  const keep = mine[mine.length - 1] ?? primaries[0];
  for (const e of primaries) if (e !== keep) e.primary = false;
}
