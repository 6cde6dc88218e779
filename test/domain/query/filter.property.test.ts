import fc from 'fast-check';
import { FILTER_PROPERTIES } from './filter.properties';

/**
 * Property tests of the filter parser and compiler (short runs; `npm run fuzz` runs the same properties on
 * a million inputs). A failure message carries the seed and path: pass them to fc.assert to replay.
 */
describe('filter parser properties', () => {
  it.each(FILTER_PROPERTIES.map((p) => [p.name, p] as const))('%s', (_name, { property }) => {
    fc.assert(property, { numRuns: 3000 });
  });
});
