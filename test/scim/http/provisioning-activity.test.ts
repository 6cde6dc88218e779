import { classifyRequest, setsActiveFalse } from '../../../src/scim/http/provisioning-activity';
import {
  boundedResponse,
  redactForLog,
  responseForLog,
} from '../../../src/domain/provisioning/provisioning-log.service';

const PATCH = (ops: unknown[]) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: ops,
});
const ID = '6f1c2a3b-0000-4000-8000-000000000001';

describe('classifyRequest', () => {
  it.each([
    ['GET', '/Users', 'READ', 'USER'],
    ['GET', `/Groups/${ID}`, 'READ', 'GROUP'],
    ['POST', '/Users', 'CREATE', 'USER'],
    ['POST', '/Groups', 'CREATE', 'GROUP'],
    ['POST', '/Users/.search', 'READ', 'USER'],
    ['POST', '/.search', 'READ', null],
    ['PUT', `/Users/${ID}`, 'UPDATE', 'USER'],
    ['PATCH', `/Groups/${ID}`, 'UPDATE', 'GROUP'],
    ['DELETE', `/Users/${ID}`, 'DELETE', 'USER'],
    ['GET', '/Schemas', 'READ', null],
    ['OPTIONS', '/Users', null, 'USER'],
  ])('%s %s is %s of %s', (method, path, operation, resourceType) => {
    const facts = classifyRequest({ method, path, status: 200, filter: undefined, scim: undefined });
    expect([facts.operation, facts.resourceType]).toEqual([operation, resourceType]);
  });

  it('takes the id from the path and the name from the body, the resource touched winning', () => {
    expect(
      classifyRequest({
        method: 'PUT',
        path: `/Users/${ID}`,
        status: 404,
        filter: undefined,
        scim: { body: { userName: 'a@x.test' } },
      }),
    ).toMatchObject({ resourceId: ID, resourceName: 'a@x.test', operation: 'UPDATE' });
    expect(
      classifyRequest({
        method: 'PATCH',
        path: `/Users/${ID}`,
        status: 204,
        filter: undefined,
        scim: { body: PATCH([]), touched: { id: ID, name: 'b@x.test' } },
      }),
    ).toMatchObject({ resourceId: ID, resourceName: 'b@x.test' });
  });

  it("names the resource a filter looks up, and recognises Entra's Test Connection", () => {
    const lookup = (filter: string, listed: number, status = 200) =>
      classifyRequest({ method: 'GET', path: '/Users', status, filter, scim: { listed } });
    const guid = '2a8f6a1c-9b7e-4d5c-8e3f-1a2b3c4d5e6f';
    expect(lookup(`userName eq "${guid}"`, 0)).toMatchObject({ resourceName: guid, testConnection: true });
    expect(lookup(`userName eq "${guid}"`, 1).testConnection).toBe(false);
    expect(lookup(`userName eq "${guid}"`, 0, 401).testConnection).toBe(false);
    expect(lookup('userName eq "bob@x.test"', 0)).toMatchObject({
      resourceName: 'bob@x.test',
      testConnection: false,
    });
    expect(lookup(`externalId eq "${guid}"`, 0).testConnection).toBe(false);
    expect(
      classifyRequest({
        method: 'GET',
        path: '/Groups',
        status: 200,
        filter: 'displayName eq "Finance \\"EU\\""',
        scim: { listed: 0 },
      }),
    ).toMatchObject({ resourceName: 'Finance "EU"', testConnection: false });
  });
});

describe('setsActiveFalse (DISABLE)', () => {
  it.each([
    ['PATCH', PATCH([{ op: 'Replace', path: 'active', value: 'False' }]), true],
    ['PATCH', PATCH([{ op: 'replace', path: 'active', value: false }]), true],
    [
      'PATCH',
      PATCH([{ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:active', value: false }]),
      true,
    ],
    ['PATCH', PATCH([{ op: 'replace', value: { active: false, displayName: 'x' } }]), true],
    ['PATCH', PATCH([{ op: 'Add', path: 'active', value: 'false' }]), true],
    ['PATCH', PATCH([{ op: 'replace', path: 'active', value: 'True' }]), false],
    ['PATCH', PATCH([{ op: 'remove', path: 'active' }]), false],
    ['PATCH', PATCH([{ op: 'replace', path: 'displayName', value: 'false' }]), false],
    ['PUT', { userName: 'a', active: false }, true],
    ['PUT', { userName: 'a', active: true }, false],
    ['PUT', { userName: 'a' }, false],
  ])('%s %j → %s', (method, body, expected) => {
    expect(setsActiveFalse(method, body)).toBe(expected);
  });

  it('classifies a user PATCH that disables as DISABLE, a group PATCH never', () => {
    const body = PATCH([{ op: 'Replace', path: 'active', value: 'False' }]);
    const of = (path: string) =>
      classifyRequest({ method: 'PATCH', path, status: 204, filter: undefined, scim: { body } }).operation;
    expect(of(`/Users/${ID}`)).toBe('DISABLE');
    expect(of(`/Groups/${ID}`)).toBe('UPDATE');
  });
});

describe('bodies in the log', () => {
  it('never keep a secret and truncate over 16 kB with a marker', () => {
    expect(redactForLog({ userName: 'a', password: 'p', nested: [{ Token: 't' }] })).toEqual({
      userName: 'a',
      password: '[redacted]',
      nested: [{ Token: '[redacted]' }],
    });
    const big = redactForLog({ members: Array.from({ length: 2000 }, (_, i) => ({ value: `m${i}` })) });
    expect(big).toMatchObject({ truncated: true });
    expect((big as { bytes: number }).bytes).toBeGreaterThan(16 * 1024);
    expect(JSON.stringify(big).length).toBeLessThan(4096);
  });

  it('parse a response body, redacted the same way; none for an empty one', () => {
    expect(responseForLog('{"id":"1","password":"x"}')).toEqual({ id: '1', password: '[redacted]' });
    expect(responseForLog(null)).toBeNull();
    expect(responseForLog('')).toBeNull();
    expect(responseForLog('x'.repeat(2 * 1024 * 1024))).toMatchObject({
      truncated: true,
      bytes: 2 * 1024 * 1024,
    });
  });

  it('keep a long response short while it waits, with no secret in its preview', () => {
    const long = JSON.stringify({ password: 'hunter2', token: ['t1'], filler: 'x'.repeat(20_000) });
    const bounded = boundedResponse(long) as { truncated: boolean; bytes: number; preview: string };
    expect(bounded).toMatchObject({ truncated: true, bytes: long.length });
    expect(bounded.preview).not.toMatch(/hunter2|t1/);
    const cut = boundedResponse(`{"a":"${'y'.repeat(2030)}","password":"hunter2${'z'.repeat(20_000)}"}`) as {
      preview: string;
    };
    expect(cut.preview).not.toContain('hunter2');
    expect(boundedResponse('{"id":"1"}')).toBe('{"id":"1"}');
  });
});
