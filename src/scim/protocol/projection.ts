import { GROUP_DEFINITION } from '../../domain/groups/group.definition';
import type { ResourceDefinition } from '../../domain/schema/attribute';
import { USER_DEFINITION } from '../../domain/users/user.definition';
import { ScimError } from './errors';
import type { JsonObject } from './json-reader';
import { getCI, isObject } from './json-reader';
import { SCHEMA_GROUP, SCHEMA_USER, splitSchemaPrefix } from './schemas';

export interface ProjectionOptions {
  attributes?: readonly string[];
  excludedAttributes?: readonly string[];
}

/**
 * Attributes returned whatever `attributes`/`excludedAttributes` say: those the definitions mark
 * "returned: always" (`id`, RFC 7643 §3.1, and for users `active`, because Entra expects it in
 * every representation), and `schemas`, which describes the body itself. `meta` is "returned:
 * default": an `attributes` list that does not name it leaves it out.
 */
function alwaysReturned(def: ResourceDefinition): ReadonlySet<string> {
  const always = def.core.attributes.filter((a) => a.returned === 'always').map((a) => a.name.toLowerCase());
  return new Set(['schemas', ...always]);
}
const ALWAYS_RETURNED: Record<'User' | 'Group', ReadonlySet<string>> = {
  User: alwaysReturned(USER_DEFINITION),
  Group: alwaysReturned(GROUP_DEFINITION),
};
const NOTHING: ReadonlySet<string> = new Set();

type Matcher = (entry: unknown) => boolean;

/** One attribute in a selection tree; keys of `children` are lower-cased attribute names. */
interface Node {
  all: boolean;
  children: Map<string, Node>;
  /** Value filters on a multi-valued attribute; `null` once any request named it unfiltered. */
  filters?: Matcher[] | null;
}

/**
 * Splits an `attributes`/`excludedAttributes` query value on commas outside brackets and quotes
 * (`emails[type eq "work"],userName`). A repeated query parameter (array) is joined first.
 */
export function parseAttributeList(csv: string | readonly string[] | undefined): string[] | undefined {
  if (csv === undefined) return undefined;
  const text = typeof csv === 'string' ? csv : csv.join(',');
  const out: string[] = [];
  let current = '';
  let depth = 0;
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '[') depth += 1;
    else if (!quoted && ch === ']') depth = Math.max(0, depth - 1);
    if (ch === ',' && !quoted && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  const names = out.filter((name) => name !== '');
  return names.length > 0 ? names : undefined;
}

/**
 * Applies RFC 7644 §3.4.2.5 to a full User or Group representation: `attributes` keeps only the
 * named attributes (plus the always-returned ones), `excludedAttributes` removes the named ones.
 * Names are case-insensitive and may be dotted (`name.givenName`, `emails.value`), URN-qualified
 * (`urn:…:enterprise:2.0:User:department`) or value-filtered (`emails[type eq "work"]`, which keeps
 * only the matching entries). Unknown names select or remove nothing. The input is not modified.
 */
export function project(
  resource: Record<string, unknown>,
  opts: ProjectionOptions,
  kind: 'User' | 'Group',
): Record<string, unknown> {
  const always = ALWAYS_RETURNED[kind];
  const core = kind === 'User' ? SCHEMA_USER : SCHEMA_GROUP;
  let result: JsonObject = resource;
  if (opts.attributes && opts.attributes.length > 0) {
    result = selectChildren(result, buildTree(opts.attributes, result, core), always);
  }
  if (opts.excludedAttributes && opts.excludedAttributes.length > 0) {
    result = omitChildren(result, buildTree(opts.excludedAttributes, result, core), always);
  }
  return result === resource ? resource : withSchemasOfPresentExtensions(result, core);
}

function buildTree(paths: readonly string[], resource: JsonObject, core: string): Node {
  const root = newNode();
  const extensions = Object.keys(resource).filter((key) => /^urn:/i.test(key));
  for (const raw of paths) {
    const bracket = /^([^[]+)\[(.*)\](?:\.(.+))?$/.exec(raw.trim());
    const head = bracket?.[1] ?? raw.trim();
    const filter = bracket?.[2] !== undefined ? valueFilter(bracket[2], raw) : undefined;
    const { schema, rest } = splitSchemaPrefix(head, [core, ...extensions]);
    const segments: string[] = [];
    if (schema !== undefined && schema.toLowerCase() !== core.toLowerCase()) {
      if (!extensions.includes(schema)) continue; // An extension this resource does not carry.
      segments.push(schema);
    }
    const attrAt = segments.length;
    if (rest !== '') segments.push(...rest.split('.'));
    if (bracket?.[3] !== undefined) segments.push(bracket[3]);
    if (segments.length === 0) continue;
    let node = root;
    segments.forEach((segment, i) => {
      node = childOf(node, segment.toLowerCase());
      if (i !== attrAt) return;
      if (!filter) node.filters = null;
      else if (node.filters !== null) (node.filters ??= []).push(filter);
    });
    node.all = true;
  }
  return root;
}

function select(value: unknown, node: Node): unknown {
  if (Array.isArray(value)) {
    const filters = node.filters;
    const kept = Array.isArray(filters) ? value.filter((e) => filters.some((f) => f(e))) : value;
    if (node.all) return kept;
    return kept.flatMap((e) => (isObject(e) ? [selectChildren(e, node, NOTHING)] : [])).filter(notEmpty);
  }
  if (node.all) return value;
  return isObject(value) ? selectChildren(value, node, NOTHING) : undefined;
}

function selectChildren(obj: JsonObject, node: Node, always: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(obj)) {
    const child = node.children.get(key.toLowerCase());
    const picked = always.has(key.toLowerCase()) ? value : child ? select(value, child) : undefined;
    if (notEmpty(picked)) out[key] = picked;
  }
  return out;
}

function omit(value: unknown, node: Node): unknown {
  const filters = node.filters;
  const matches = (e: unknown): boolean => !Array.isArray(filters) || filters.some((f) => f(e));
  if (Array.isArray(value)) {
    const out = node.all
      ? value.filter((e) => !matches(e))
      : value.map((e) => (isObject(e) && matches(e) ? omitChildren(e, node, NOTHING) : e));
    return out.filter(notEmpty);
  }
  if (node.all) return undefined;
  return isObject(value) ? omitChildren(value, node, NOTHING) : value;
}

function omitChildren(obj: JsonObject, node: Node, always: ReadonlySet<string>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(obj)) {
    const child = always.has(key.toLowerCase()) ? undefined : node.children.get(key.toLowerCase());
    const kept = child ? omit(value, child) : value;
    if (!child || notEmpty(kept)) out[key] = kept;
  }
  return out;
}

/** `schemas` lists the extensions present in the body (RFC 7643 §3): drop those projected away. */
function withSchemasOfPresentExtensions(result: JsonObject, core: string): JsonObject {
  const schemas = result['schemas'];
  if (!Array.isArray(schemas)) return result;
  const keys = new Set(Object.keys(result).map((k) => k.toLowerCase()));
  const kept = schemas.filter(
    (s) => typeof s !== 'string' || s.toLowerCase() === core.toLowerCase() || keys.has(s.toLowerCase()),
  );
  return { ...result, schemas: kept };
}

/**
 * The value filter of `emails[type eq "work"]` (Postman sends it in `attributes`): one comparison
 * of a sub-attribute, case-insensitive, with `eq ne co sw ew` or `pr`.
 */
function valueFilter(text: string, raw: string): Matcher {
  const m = /^\s*([A-Za-z$][\w$-]*)\s+(eq|ne|co|sw|ew|pr)(?:\s+("(?:[^"\\]|\\.)*"|[^\s"]+))?\s*$/i.exec(text);
  const [, attr = '', op = '', literal] = m ?? [];
  if (!m || (op.toLowerCase() === 'pr') !== (literal === undefined)) {
    throw new ScimError(
      400,
      'invalidFilter',
      `Unsupported value filter in "${raw}": use one comparison such as emails[type eq "work"].`,
    );
  }
  const expected = literal === undefined ? '' : parseLiteral(literal).toLowerCase();
  return (entry) => {
    const actual = isObject(entry) ? getCI(entry, attr) : undefined;
    const text = actual === undefined || isObject(actual) ? undefined : String(actual).toLowerCase();
    switch (op.toLowerCase()) {
      case 'pr':
        return text !== undefined && text !== '';
      case 'eq':
        return text === expected;
      case 'ne':
        return text !== expected;
      case 'co':
        return text?.includes(expected) ?? false;
      case 'sw':
        return text?.startsWith(expected) ?? false;
      default:
        return text?.endsWith(expected) ?? false;
    }
  };
}

/** A quoted JSON string, or a bare word/number/boolean (Postman also sends unquoted values). */
function parseLiteral(literal: string): string {
  if (!literal.startsWith('"')) return literal;
  try {
    return String(JSON.parse(literal));
  } catch {
    return literal.slice(1, -1); // An escape JSON does not know (e.g. \x): compare the raw text.
  }
}

function newNode(): Node {
  return { all: false, children: new Map() };
}

function childOf(node: Node, key: string): Node {
  let child = node.children.get(key);
  if (!child) {
    child = newNode();
    node.children.set(key, child);
  }
  return child;
}

function notEmpty(value: unknown): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) return value.length > 0;
  return !isObject(value) || Object.keys(value).length > 0;
}
