import fc from 'fast-check';
import { PATCH_PROPERTIES } from './patch.properties';

/**
 * Property tests of the PATCH engine (short runs; `npm run fuzz` runs the same properties on a
 * million inputs). A failure message carries the seed and path: pass them to fc.assert to replay.
 */
describe('SCIM PATCH engine properties', () => {
  it.each(PATCH_PROPERTIES.map((p) => [p.name, p] as const))('%s', (_name, { property }) => {
    fc.assert(property, { numRuns: 3000 });
  });
});
