import { ScimError, isScimError, toErrorBody } from '../../../src/scim/protocol/errors';
import { listResponse } from '../../../src/scim/protocol/list-response';

describe('toErrorBody', () => {
  it('renders RFC 7644 §3.12 with status as a string, keys in RFC order', () => {
    const body = toErrorBody(
      new ScimError(409, 'uniqueness', 'userName "alice" is already taken in this tenant.'),
    );
    expect(JSON.stringify(body)).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness",' +
        '"detail":"userName \\"alice\\" is already taken in this tenant."}',
    );
  });

  it('leaves scimType out when there is none', () => {
    expect(toErrorBody(new ScimError(404, undefined, 'User 42 not found.'))).toStrictEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User 42 not found.',
    });
  });

  it('is an Error whose message is the detail', () => {
    const err = new ScimError(400, 'invalidFilter', 'Unsupported operator');
    expect(err).toBeInstanceOf(Error);
    expect(isScimError(err)).toBe(true);
    expect(isScimError(new Error('x'))).toBe(false);
    expect(err.message).toBe('Unsupported operator');
  });
});

describe('listResponse', () => {
  const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

  it('index pagination: totalResults, itemsPerPage = number returned, 1-based startIndex', () => {
    expect(listResponse([{ id: 'a' }, { id: 'b' }], { totalResults: 10, startIndex: 3 })).toStrictEqual({
      schemas: [LIST],
      totalResults: 10,
      itemsPerPage: 2,
      startIndex: 3,
      Resources: [{ id: 'a' }, { id: 'b' }],
    });
  });

  it('an empty result (Entra connection test) is a 200 body with zero totals', () => {
    expect(listResponse([], { totalResults: 0, startIndex: 1 })).toStrictEqual({
      schemas: [LIST],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
  });

  it('cursor pagination (RFC 9865): nextCursor while more remain, no startIndex', () => {
    expect(listResponse([{ id: 'a' }], { totalResults: 5, nextCursor: 'VZUTiy' })).toStrictEqual({
      schemas: [LIST],
      totalResults: 5,
      itemsPerPage: 1,
      nextCursor: 'VZUTiy',
      Resources: [{ id: 'a' }],
    });
  });

  it('cursor pagination: the last page has no nextCursor; totalResults may be left out', () => {
    expect(listResponse([{ id: 'z' }], { previousCursor: 'ze7L30kMiiLX6x' })).toStrictEqual({
      schemas: [LIST],
      itemsPerPage: 1,
      previousCursor: 'ze7L30kMiiLX6x',
      Resources: [{ id: 'z' }],
    });
  });
});
