import { GraphQLError, Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { Field, Int, ObjectType, type ClassType } from 'type-graphql';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

@ObjectType({ description: 'Relay page information (forward paging with first/after).' })
export class PageInfo {
  @Field({ description: 'More items follow: ask again with after: endCursor.' })
  hasNextPage!: boolean;

  @Field({ description: 'True when this page was asked for with an after cursor.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; pass it as after.' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  totalCount: number;
}

/** The Edge and Connection object types for one node type (`UserEdge`, `UserConnection`, …). */
export function connectionType<T>(name: string, node: () => object, what: string): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field({ description: 'Opaque keyset cursor of this edge.' })
    cursor!: string;

    @Field(node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${what}.` })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `Every ${what.replace(/s$/, '')} matching, across all pages.` })
    totalCount!: number;
  }
  return ConnectionType;
}

/** A connection from a domain page (items with their cursors). */
export function toConnection<T, N = T>(
  page: { items: T[]; cursors: string[]; hasNext: boolean; total: number | null },
  after: string | null | undefined,
  map: (item: T) => N = (item) => item as unknown as N,
): Connection<N> {
  const edges = page.items.map((item, i) => ({ cursor: page.cursors[i] ?? '', node: map(item) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.hasNext,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    // -1 only when totalCount was not selected, so it is never seen.
    totalCount: page.total ?? -1,
  };
}

/** A client mistake in an argument (BAD_USER_INPUT). */
export function badInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: 'BAD_USER_INPUT', ...(argumentName ? { argumentName } : {}) },
  });
}

/** Validates `first` (default 50, at most 500); a clear BAD_USER_INPUT otherwise. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(
      `first must be between 0 and ${MAX_PAGE_SIZE} (got ${first}); page through larger results with after: pageInfo.endCursor.`,
      'first',
    );
  }
  return first;
}

/** The after cursor, or undefined (an empty string counts as absent). */
export function afterCursor(after: string | null | undefined): string | undefined {
  return after ? after : undefined;
}

/** The page a connection field asks for: validated `first`, `after`, and whether totalCount is selected. */
export function pageArgs(
  info: GraphQLResolveInfo,
  first: number | null | undefined,
  after: string | null | undefined,
): { first: number; after: string | undefined; withTotal: boolean } {
  return { first: pageSize(first), after: afterCursor(after), withTotal: selects(info, 'totalCount') };
}

/** Whether the field being resolved selects `name` (through fragments too), e.g. totalCount. */
export function selects(info: GraphQLResolveInfo, name: string): boolean {
  const visit = (set: SelectionSetNode | undefined, depth: number): boolean =>
    !!set &&
    depth < 20 &&
    set.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) return sel.name.value === name;
      if (sel.kind === Kind.INLINE_FRAGMENT) return visit(sel.selectionSet, depth + 1);
      const fragment = info.fragments[sel.name.value];
      return fragment ? visit(fragment.selectionSet, depth + 1) : false;
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet, 0));
}
