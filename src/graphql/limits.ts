/**
 * Query depth and cost limits as graphql-js validation rules. They run after Apollo's own
 * validation and before execution (see server.ts), because cost needs the variables: `first: $n`
 * multiplies the cost of everything below it.
 *
 * Cost model: every field costs 1; a field with a `first` argument (a connection) multiplies the
 * cost of its selection by `first` (50 when omitted, the default page size). Introspection fields
 * (`__schema`, `__type`, `__typename`) are free and do not count towards depth.
 */
import {
  getNamedType,
  GraphQLError,
  isInterfaceType,
  isObjectType,
  Kind,
  typeFromAST,
  valueFromAST,
  type ASTVisitor,
  type FieldNode,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE } from './common/connection';

const tooComplex = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 400 } } });

type Walker = (set: SelectionSetNode, type: GraphQLNamedType | undefined, depth: number) => number;

/** Walks a selection set through fragments; `onField` combines a field with the cost of its children. */
function walker(
  context: ValidationContext,
  onField: (
    field: FieldNode,
    type: GraphQLNamedType | undefined,
    children: () => number,
    depth: number,
  ) => number,
  combine: (a: number, b: number) => number,
): Walker {
  const schema = context.getSchema();
  const walk: Walker = (set, type, depth) => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__')) continue;
        const fields = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : undefined;
        const def = fields?.[sel.name.value];
        const childType = def ? getNamedType(def.type) : undefined;
        const children = () => (sel.selectionSet ? walk(sel.selectionSet, childType, depth + 1) : 0);
        total = combine(total, onField(sel, type, children, depth + 1));
      } else {
        const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : context.getFragment(sel.name.value);
        if (!fragment) continue;
        const cond = fragment.typeCondition ? typeFromAST(schema, fragment.typeCondition) : type;
        total = combine(total, walk(fragment.selectionSet, cond ?? type, depth));
      }
    }
    return total;
  };
  return walk;
}

function rootType(context: ValidationContext, operation: 'query' | 'mutation' | 'subscription') {
  const schema = context.getSchema();
  return (
    (operation === 'query'
      ? schema.getQueryType()
      : operation === 'mutation'
        ? schema.getMutationType()
        : schema.getSubscriptionType()) ?? undefined
  );
}

/** Rejects operations nested deeper than `maxDepth` fields. */
export function depthLimitRule(maxDepth: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const walk = walker(context, (_field, _type, children, depth) => Math.max(depth, children()), Math.max);
      const depth = walk(node.selectionSet, rootType(context, node.operation), 0);
      if (depth > maxDepth) {
        context.reportError(
          tooComplex(`Query is too deep: ${depth} levels of fields, at most ${maxDepth} allowed.`),
        );
      }
    },
  });
}

/** Rejects operations whose estimated cost (see the module comment) exceeds `maxCost`. */
export function costLimitRule(maxCost: number, variables: Record<string, unknown> = {}): ValidationRule {
  return (context: ValidationContext): ASTVisitor => ({
    OperationDefinition(node) {
      const walk = walker(
        context,
        (field, type, children) => {
          const fields = type && (isObjectType(type) || isInterfaceType(type)) ? type.getFields() : undefined;
          const firstArg = fields?.[field.name.value]?.args.find((a) => a.name === 'first');
          if (!firstArg) return 1 + children();
          const given = field.arguments?.find((a) => a.name.value === 'first');
          const value = given ? valueFromAST(given.value, firstArg.type, variables) : undefined;
          const first = typeof value === 'number' && value >= 0 ? value : DEFAULT_PAGE_SIZE;
          return 1 + Math.max(first, 1) * children();
        },
        (a, b) => a + b,
      );
      const cost = walk(node.selectionSet, rootType(context, node.operation), 0);
      if (cost > maxCost) {
        context.reportError(
          tooComplex(
            `Query is too expensive: estimated cost ${cost}, at most ${maxCost} allowed. ` +
              'Ask for smaller pages (first) or fewer nested connections.',
          ),
        );
      }
    },
  });
}
