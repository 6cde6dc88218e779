import { GraphQLError } from 'graphql';
import { Field, ID, InputType } from 'type-graphql';
import type { AttrPath, Filter, Literal } from '../../domain/query/ast';
import type { DirectoryFilter } from '../../domain/memberships/membership.filter';
import { FilterSyntaxError, parseFilter } from '../../domain/query/filter/parser';
import { DomainError } from '../../domain/errors';
import { MembershipDepth } from './enums';

const MAX_IN = 1000;
const MAX_NODES = 200;

@InputType({ description: 'Conditions on a text attribute; all given conditions must hold.' })
export class StringFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Equal (case-insensitive unless the attribute is case-exact).',
  })
  equals?: string | null;

  @Field(() => [String], { nullable: true, description: `Equal to one of these (at most ${MAX_IN}).` })
  in?: string[] | null;

  @Field(() => String, { nullable: true })
  startsWith?: string | null;

  @Field(() => String, { nullable: true })
  endsWith?: string | null;

  @Field(() => String, { nullable: true })
  contains?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true: has a value; false: has none.' })
  present?: boolean | null;
}

@InputType({ description: 'Conditions on an id.' })
export class IdFilter {
  @Field(() => ID, { nullable: true })
  equals?: string | null;

  @Field(() => [ID], { nullable: true, description: `One of these (at most ${MAX_IN}).` })
  in?: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: set; false: not set.' })
  present?: boolean | null;
}

@InputType({ description: 'A time range; all given bounds must hold.' })
export class DateTimeFilter {
  @Field(() => Date, { nullable: true, description: 'Strictly after.' })
  gt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'At or after.' })
  gte?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Strictly before.' })
  lt?: Date | null;

  @Field(() => Date, { nullable: true, description: 'At or before.' })
  lte?: Date | null;
}

@InputType({ description: 'Membership of a group.' })
export class MemberOfFilter {
  @Field(() => ID)
  groupId!: string;

  @Field(() => MembershipDepth, { nullable: true, defaultValue: MembershipDepth.DIRECT })
  membership?: MembershipDepth | null;
}

/** Turns a SCIM path string (`name.givenName`, `meta.created`) into an AttrPath. */
export function attrPath(scimPath: string): AttrPath {
  const [attr, sub] = scimPath.split('.') as [string, string | undefined];
  return sub === undefined ? { attr } : { attr, sub };
}

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Counts nodes so a huge typed filter is refused like a huge SCIM filter would be. */
export class FilterBudget {
  private nodes = 0;
  spend(n = 1): void {
    this.nodes += n;
    if (this.nodes > MAX_NODES)
      throw badInput(`The filter is too large (more than ${MAX_NODES} conditions).`);
  }
}

const compare = (
  op: 'eq' | 'sw' | 'ew' | 'co' | 'gt' | 'ge' | 'lt' | 'le',
  path: AttrPath,
  value: Literal,
): Filter => ({
  kind: 'compare',
  op,
  path,
  value,
});

function inList(path: AttrPath, values: readonly string[]): Filter {
  if (values.length > MAX_IN) throw badInput(`"in" accepts at most ${MAX_IN} values.`);
  return { kind: 'in', path, values };
}

function presence(path: AttrPath, present: boolean): Filter {
  const f: Filter = { kind: 'present', path };
  return present ? f : { kind: 'not', filter: f };
}

/** The conditions of a StringFilter on `path`. */
export function stringConditions(scimPath: string, f: StringFilter | null | undefined): Filter[] {
  if (!f) return [];
  const path = attrPath(scimPath);
  const out: Filter[] = [];
  if (f.equals != null) out.push(compare('eq', path, f.equals));
  if (f.in != null) out.push(inList(path, f.in));
  if (f.startsWith != null) out.push(compare('sw', path, f.startsWith));
  if (f.endsWith != null) out.push(compare('ew', path, f.endsWith));
  if (f.contains != null) out.push(compare('co', path, f.contains));
  if (f.present != null) out.push(presence(path, f.present));
  return out;
}

/** The conditions of an IdFilter on `path`. */
export function idConditions(scimPath: string, f: IdFilter | null | undefined): Filter[] {
  if (!f) return [];
  const path = attrPath(scimPath);
  const out: Filter[] = [];
  if (f.equals != null) out.push(compare('eq', path, f.equals));
  if (f.in != null) out.push(inList(path, f.in));
  if (f.present != null) out.push(presence(path, f.present));
  return out;
}

/** The conditions of a DateTimeFilter on `path`. */
export function dateConditions(scimPath: string, f: DateTimeFilter | null | undefined): Filter[] {
  if (!f) return [];
  const path = attrPath(scimPath);
  const out: Filter[] = [];
  if (f.gt != null) out.push(compare('gt', path, f.gt.toISOString()));
  if (f.gte != null) out.push(compare('ge', path, f.gte.toISOString()));
  if (f.lt != null) out.push(compare('lt', path, f.lt.toISOString()));
  if (f.lte != null) out.push(compare('le', path, f.lte.toISOString()));
  return out;
}

export function memberOfCondition(f: MemberOfFilter | null | undefined): Filter[] {
  return f ? [{ kind: 'memberOf', groupId: f.groupId, depth: f.membership ?? MembershipDepth.DIRECT }] : [];
}

/** AND of DirectoryFilters, keeping pure-AST parts as one AST node (one compileFilter call). */
export function allOf(parts: DirectoryFilter[]): DirectoryFilter {
  const ast = parts.filter((p): p is Extract<DirectoryFilter, { kind: 'ast' }> => p.kind === 'ast');
  const rest = parts.filter((p) => p.kind !== 'ast');
  const joined = ast
    .map((p) => p.filter)
    .reduce<Filter | undefined>((acc, f) => (acc ? { kind: 'and', left: acc, right: f } : f), undefined);
  const all: DirectoryFilter[] = [...(joined ? [{ kind: 'ast' as const, filter: joined }] : []), ...rest];
  return all.length === 1 ? all[0]! : { kind: 'and', items: all };
}

/** OR of DirectoryFilters, as one AST node when every part is pure AST. */
export function anyOf(parts: DirectoryFilter[]): DirectoryFilter {
  if (parts.length > 0 && parts.every((p) => p.kind === 'ast')) {
    const filters = parts.map((p) => (p as Extract<DirectoryFilter, { kind: 'ast' }>).filter);
    return { kind: 'ast', filter: filters.reduce((acc, f) => ({ kind: 'or', left: acc, right: f })) };
  }
  return parts.length === 1 ? parts[0]! : { kind: 'or', items: parts };
}

/** NOT of a DirectoryFilter. */
export function negate(part: DirectoryFilter): DirectoryFilter {
  return part.kind === 'ast'
    ? { kind: 'ast', filter: { kind: 'not', filter: part.filter } }
    : { kind: 'not', item: part };
}

/** Parses a `scimFilter` argument; syntax errors become INVALID_FILTER (BAD_USER_INPUT). */
export function parseScimFilter(text: string | null | undefined): Filter | undefined {
  if (text === null || text === undefined || text.trim() === '') return undefined;
  if (text.length > 10_000)
    throw new DomainError('INVALID_FILTER', 'scimFilter is too long (at most 10000 characters).');
  try {
    return parseFilter(text);
  } catch (err) {
    if (err instanceof FilterSyntaxError) {
      throw new DomainError('INVALID_FILTER', `scimFilter: ${err.message}`, { position: err.position });
    }
    throw err;
  }
}
