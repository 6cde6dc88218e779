import { readFileSync } from 'node:fs';
import path from 'node:path';
import { applyUserPatch, type ScimUserJson } from '../../../src/scim/protocol/patch/apply-user-patch';
import { toGroupCommands } from '../../../src/scim/protocol/patch/group-patch';
import { parsePatchRequest, PatchError } from '../../../src/scim/protocol/patch/patch-op';
import { SCHEMA_PATCH_OP } from '../../../src/scim/protocol/schemas';

/**
 * Table-driven: every PATCH shape Entra sends (the rules in entra-normalize.ts), the SCIM Validator's PATCH
 * tests and the Postman collection's quirks, as captured payloads with the expected result.
 */
interface ExpectedError {
  scimType: string;
  detailIncludes?: string;
}

interface Fixture<T> {
  name: string;
  /** The operations, wrapped in a PatchOp envelope; `body` instead gives the whole request body. */
  operations?: unknown[];
  body?: unknown;
  expected?: T;
  error?: ExpectedError;
}

interface UserFixture extends Fixture<ScimUserJson> {
  resource: ScimUserJson;
}

function load<T>(file: string): T[] {
  return JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/patch', file), 'utf8')) as T[];
}

function bodyOf(fixture: Fixture<unknown>): unknown {
  return fixture.body ?? { schemas: [SCHEMA_PATCH_OP], Operations: fixture.operations };
}

function expectPatchError(run: () => unknown, expected: ExpectedError): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PatchError);
  const err = caught as PatchError;
  expect({ status: err.status, scimType: err.scimType }).toEqual({
    status: 400,
    scimType: expected.scimType,
  });
  if (expected.detailIncludes !== undefined) expect(err.detail).toContain(expected.detailIncludes);
}

const userFixtures = load<UserFixture>('user-patch.json');
/** `groupId`: the patched group's id, when the operations echo it. */
const groupFixtures = load<Fixture<unknown[]> & { groupId?: string }>('group-patch.json');

describe('applyUserPatch', () => {
  it('has a fixture per case, each with a unique name', () => {
    expect(new Set(userFixtures.map((f) => f.name)).size).toBe(userFixtures.length);
  });

  it.each(userFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const before = structuredClone(fixture.resource);
    const run = (): ScimUserJson => applyUserPatch(fixture.resource, parsePatchRequest(bodyOf(fixture)));
    if (fixture.error !== undefined) {
      expectPatchError(run, fixture.error);
    } else {
      expect(run()).toStrictEqual(fixture.expected);
    }
    expect(fixture.resource).toEqual(before); // pure: the input is never mutated
  });
});

describe('toGroupCommands', () => {
  it('has a fixture per case, each with a unique name', () => {
    expect(new Set(groupFixtures.map((f) => f.name)).size).toBe(groupFixtures.length);
  });

  it.each(groupFixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const run = (): unknown[] => toGroupCommands(parsePatchRequest(bodyOf(fixture)), fixture.groupId);
    if (fixture.error !== undefined) expectPatchError(run, fixture.error);
    else expect(run()).toStrictEqual(fixture.expected);
  });
});
