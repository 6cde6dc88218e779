/**
 * An Okta-style import through the HTTP app: startIndex + count to the end. Each page must be what
 * OFFSET gives at that moment (ADR 0019), including after a write between pages.
 */
import { useScimApp } from '../../support/use-app';

const { scim } = useScimApp();

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

async function createUser(userName: string): Promise<string> {
  const res = await scim.req('POST', '/Users', { schemas: [USER_SCHEMA], userName, active: true });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function allIds(query = ''): Promise<string[]> {
  const res = await scim.req('GET', `/Users?count=1000${query}`);
  return (res.body.Resources as { id: string }[]).map((r) => r.id);
}

describe('SCIM startIndex walk', () => {
  it('returns every user once, in order, with the exact totalResults on every page, across writes', async () => {
    for (let i = 0; i < 23; i++) await createUser(`walk-${String(i).padStart(2, '0')}@x.test`);
    const sorted = '&sortBy=userName';
    const seen: string[] = [];
    for (let startIndex = 1; ; startIndex += 5) {
      const expected = await allIds(sorted);
      const res = await scim.req('GET', `/Users?startIndex=${startIndex}&count=5${sorted}`);
      expect(res.status).toBe(200);
      const ids = (res.body.Resources as { id: string }[]).map((r) => r.id);
      expect({ startIndex: res.body.startIndex, totalResults: res.body.totalResults, ids }).toEqual({
        startIndex,
        totalResults: expected.length,
        ids: expected.slice(startIndex - 1, startIndex + 4),
      });
      seen.push(...ids);
      if (startIndex + 5 > res.body.totalResults) break;
      // Between pages 2 and 3 a user arrives that sorts first: everything after shifts by one.
      if (startIndex === 6) await createUser('aaa-first@x.test');
    }
    // As with OFFSET: the user at the page boundary comes twice, the newcomer before it never.
    expect(seen).toHaveLength(24);
    expect(new Set(seen).size).toBe(23);
  });
});
