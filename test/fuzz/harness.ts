/**
 * What `npm run fuzz` (run.ts) and the jest property tests share: a named property, and the checks
 * every property makes. The properties themselves live beside the tests of the code they cover:
 * test/domain/query/filter.properties.ts (the filter grammar and compiler) and
 * test/scim/protocol/patch.properties.ts (the PATCH engine).
 */
import fc from 'fast-check';

export interface PropertyCase {
  name: string;
  property: fc.IProperty<unknown>;
}

export function def<T>(name: string, arbitrary: fc.Arbitrary<T>, check: (input: T) => void): PropertyCase {
  return { name, property: fc.property(arbitrary, check) as unknown as fc.IProperty<unknown> };
}

/** Rethrows `err` unless `isClientError` accepts it: the original error (and stack) is the report. */
export function onlyClientErrors(err: unknown, isClientError: (e: unknown) => boolean): void {
  if (!isClientError(err)) throw err;
}

/** JSON with sorted keys: equal for equal JSON values whatever their prototypes (structuredClone under jest makes objects of another realm). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}
