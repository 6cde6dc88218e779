/**
 * Query depth, cost and alias limits, checked for the operation about to run with the request's
 * variables (`first: $n` multiplies the cost of what is below it), after Apollo's validation and
 * before any resolver (see server.ts). Everybody pays for the check, authenticated or not, so it is
 * linear in the size of the document: each named fragment is analysed once per operation and its
 * result reused at every spread, and the walk stops at the first limit it passes.
 *
 * Cost model (an estimate of the work, in particular of the database work):
 * - A field that reaches the database costs {@link DB_FIELD_COST} (10) for its statement, whatever
 *   its arguments: every root field of Query and Mutation (`users`, `user`, `groups`,
 *   `checkMembership`, `membershipPath`, `provisioningLog`, every mutation …), every field that
 *   takes arguments (`members`, `groups`, `parents`, `memberCount` …: each has a resolver that runs
 *   a statement), `User.manager`, `Provisioning.connection`, and `totalCount` on a connection (it
 *   runs a count). Below a page
 *   these statements are batched by the loaders (one per field for the whole page, see
 *   loaders.ts), so the 10 is counted once per field of the document, not once per item.
 * - Every field, those included, also costs 1 each time it is resolved.
 * - A paged field (one with a `first` argument) multiplies the cost of one item by `first`: for a
 *   connection the cost of its `edges` selection, for a list the cost of its selection; its other
 *   selections (`totalCount`, `pageInfo`) count once. `first` omitted counts as the field's
 *   default (50, the default page size); `first: 0` counts as 1, so an empty page is never free.
 * - Introspection fields (`__schema`, `__type`, `__typename`) are free and do not count towards
 *   depth (the IDE needs them; `maxTokens` bounds their size).
 * - A field under several aliases, or spread through several fragments, counts each time: each is
 *   a statement of its own.
 *
 * So `users(first: 0) { totalCount }` costs 22 (two statements and two fields), and
 * `users(first: 100) { edges { node { id } } }` 311.
 *
 * Depth counts levels of fields. Aliases count aliased fields in the operation, a fragment once per
 * place it is spread; they are capped separately because every alias of a root field is one more
 * database statement.
 */
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  typeFromAST,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './common/connection';

/** Cost of one field that runs a database statement (see the module comment). */
export const DB_FIELD_COST = 10;

/** Object fields (Type.field) without arguments that still run a statement of their own. */
const DB_FIELDS_WITHOUT_ARGUMENTS = new Set(['User.manager', 'Provisioning.connection']);

export interface OperationLimits {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
}

/** What the analysis measured for an operation within the limits. */
export interface OperationAnalysis {
  depth: number;
  cost: number;
  aliases: number;
  /** Database statements the operation runs (fields that reach the database, aliases included). */
  statements: number;
}

export const tooComplex = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });

/**
 * The measure of a selection set, relative to the field that holds it: `statements` is counted
 * once however many times the set is resolved (batched database statements); `each` every time
 * the set is resolved; `items` every time for every item of a page (the `edges` of a connection).
 */
interface Measure {
  depth: number;
  statements: number;
  each: number;
  items: number;
  aliases: number;
}

const EMPTY: Measure = { depth: 0, statements: 0, each: 0, items: 0, aliases: 0 };
const costOf = (m: { statements: number; each: number; items: number }) => m.statements + m.each + m.items;

const fieldsOf = (type: GraphQLNamedType | undefined) =>
  type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : undefined;

function isConnection(type: GraphQLNamedType | undefined): boolean {
  const fields = fieldsOf(type);
  return !!type && type.name.endsWith('Connection') && !!fields?.edges && !!fields.pageInfo;
}

/**
 * Measures the operation and throws QUERY_TOO_COMPLEX as soon as one limit is passed. Work is
 * linear in the document: a named fragment is measured once (per type it is read as) and its
 * measure added at every spread. Fragment cycles are rejected by graphql-js's validation before
 * this runs; should one reach here anyway it is rejected, never followed.
 */
export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  limits: OperationLimits,
): OperationAnalysis {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  }
  const memo = new Map<string, Measure>();
  const inProgress = new Set<string>();
  const rootType =
    (operation.operation === 'query'
      ? schema.getQueryType()
      : operation.operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType()) ?? undefined;

  /** Rejects a measure over a limit; `above` is the depth of the selection set's field. */
  const check = (m: Measure, above: number) => {
    const depth = above + m.depth;
    if (depth > limits.maxDepth) {
      throw tooComplex(`Query is too deep: ${depth} levels of fields, at most ${limits.maxDepth} allowed.`);
    }
    const cost = costOf(m);
    if (cost > limits.maxCost) {
      throw tooComplex(
        `Query is too expensive: estimated cost over ${limits.maxCost} (${cost} counted before stopping), ` +
          `at most ${limits.maxCost} allowed. Ask for smaller pages (first), fewer aliases or fewer nested connections.`,
      );
    }
    if (m.aliases > limits.maxAliases) {
      throw tooComplex(
        `Query has too many aliased fields: more than ${limits.maxAliases} allowed. ` +
          'Fetch lists with one paged field instead of one alias per item.',
      );
    }
  };

  /** `first` as the estimate counts it: the given value, else the argument's default, else 50. */
  const pageOf = (node: FieldNode, def: GraphQLField<unknown, unknown>): number | undefined => {
    const arg = def.args.find((a) => a.name === 'first');
    if (!arg) return undefined;
    const given = node.arguments?.find((a) => a.name.value === 'first');
    const value = given ? valueFromAST(given.value, arg.type, variables) : arg.defaultValue;
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : DEFAULT_PAGE_SIZE;
  };

  const measureField = (
    node: FieldNode,
    parent: GraphQLNamedType | undefined,
    above: number,
  ): { statements: number; each: number; depth: number; aliases: number } => {
    const def = fieldsOf(parent)?.[node.name.value];
    const childType = def ? getNamedType(def.type) : undefined;
    const children = node.selectionSet ? measureSet(node.selectionSet, childType, above + 1) : EMPTY;
    const isRoot = parent !== undefined && parent === rootType;
    const reachesDatabase =
      isRoot ||
      (def !== undefined && def.args.length > 0) ||
      (parent !== undefined && DB_FIELDS_WITHOUT_ARGUMENTS.has(`${parent.name}.${node.name.value}`)) ||
      (node.name.value === 'totalCount' && isConnection(parent));
    const page = def ? pageOf(node, def) : undefined;
    const times = Math.max(page ?? 1, 1);
    let each: number;
    if (isConnection(childType)) each = 1 + children.each + times * children.items;
    else if (page !== undefined) each = 1 + times * (children.each + children.items);
    else each = 1 + children.each + children.items;
    return {
      statements: (reachesDatabase ? DB_FIELD_COST : 0) + children.statements,
      each,
      depth: 1 + children.depth,
      aliases: (node.alias ? 1 : 0) + children.aliases,
    };
  };

  const measureFragment = (name: string, parent: GraphQLNamedType | undefined, above: number): Measure => {
    const fragment = fragments.get(name);
    if (!fragment) return EMPTY;
    const type = typeFromAST(schema, fragment.typeCondition) ?? parent;
    const key = `${name}\u0000${type?.name ?? ''}`;
    const known = memo.get(key);
    if (known) return known;
    if (inProgress.has(key)) throw tooComplex(`Fragment ${name} spreads itself.`);
    inProgress.add(key);
    const m = measureSet(fragment.selectionSet, type, above);
    inProgress.delete(key);
    memo.set(key, m);
    return m;
  };

  /** Measures a selection set whose field is `above` levels deep. */
  function measureSet(set: SelectionSetNode, type: GraphQLNamedType | undefined, above: number): Measure {
    if (above > limits.maxDepth) {
      throw tooComplex(`Query is too deep: ${above} levels of fields, at most ${limits.maxDepth} allowed.`);
    }
    const connection = isConnection(type);
    const total = { depth: 0, statements: 0, each: 0, items: 0, aliases: 0 };
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const f = measureField(sel, type, above);
        if (connection && sel.name.value === 'edges') total.items += f.each;
        else total.each += f.each;
        total.statements += f.statements;
        total.depth = Math.max(total.depth, f.depth);
        total.aliases += f.aliases;
      } else {
        const m =
          sel.kind === Kind.INLINE_FRAGMENT
            ? measureSet(
                sel.selectionSet,
                (sel.typeCondition ? typeFromAST(schema, sel.typeCondition) : undefined) ?? type,
                above,
              )
            : measureFragment(sel.name.value, type, above);
        total.statements += m.statements;
        total.each += m.each;
        total.items += m.items;
        total.depth = Math.max(total.depth, m.depth);
        total.aliases += m.aliases;
      }
      check(total, above);
    }
    return total;
  }

  const m = measureSet(operation.selectionSet, rootType, 0);
  return { depth: m.depth, cost: costOf(m), aliases: m.aliases, statements: m.statements / DB_FIELD_COST };
}
