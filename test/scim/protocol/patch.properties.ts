/**
 * The properties of the SCIM PATCH engine, shared by the jest property tests
 * (patch.property.test.ts, short runs) and `npm run fuzz` (long runs). The central one: no PATCH
 * body makes the engine throw anything but the 400 ScimError the transport answers with, and no
 * PATCH mutates what it was given.
 */
import fc from 'fast-check';
import { ScimError } from '../../../src/scim/protocol/errors';
import { applyUserPatch } from '../../../src/scim/protocol/patch/apply-user-patch';
import { toGroupCommands, type GroupCommand } from '../../../src/scim/protocol/patch/group-patch';
import { parsePatchRequest } from '../../../src/scim/protocol/patch/patch-op';
import { scimToUserInput } from '../../../src/scim/protocol/user-mapper';
import { def, onlyClientErrors, sameJson, type PropertyCase } from '../../fuzz/harness';
import { attrName, caseVariants } from '../../domain/query/filter.arbitraries';
import { groupPatchBody, PATCH_OP, scimUser, userPatchBody } from './patch.arbitraries';

const isPatchError = (e: unknown): boolean => e instanceof ScimError && e.status === 400;

/** The path of the first value in `value` that JSON cannot carry (undefined, NaN, a function…). */
function nonJsonAt(value: unknown, path = '$'): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = nonJsonAt(value[i], `${path}[${i}]`);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (typeof value !== 'object') return path;
  for (const [k, v] of Object.entries(value)) {
    const at = nonJsonAt(v, `${path}.${k}`);
    if (at !== undefined) return at;
  }
  return undefined;
}

function primariesPerAttribute(doc: Record<string, unknown>): number {
  let max = 0;
  for (const value of Object.values(doc)) {
    if (!Array.isArray(value)) continue;
    const count = value.filter(
      (e) => typeof e === 'object' && e !== null && (e as { primary?: unknown }).primary === true,
    ).length;
    max = Math.max(max, count);
  }
  return max;
}

function memberValues(commands: GroupCommand[]): unknown[] {
  return commands.flatMap((c) =>
    c.kind === 'addMembers' || c.kind === 'replaceMembers' ? c.members.map((m) => m.value) : [],
  );
}

export const PATCH_PROPERTIES: PropertyCase[] = [
  def(
    'user PATCH (parse, apply, read back) throws nothing but a 400 ScimError and mutates nothing',
    fc.tuple(scimUser, userPatchBody),
    ([user, body]) => {
      const userBefore = fc.stringify(user);
      const bodyBefore = fc.stringify(body);
      let result: Record<string, unknown> | undefined;
      try {
        result = applyUserPatch(user, parsePatchRequest(body));
        scimToUserInput(result);
      } catch (err) {
        onlyClientErrors(err, isPatchError);
      }
      if (fc.stringify(user) !== userBefore)
        throw new Error('applyUserPatch mutated the resource it was given');
      if (fc.stringify(body) !== bodyBefore)
        throw new Error('parsing or applying the PATCH mutated its body');
      if (result === undefined) return;
      if (
        typeof result.userName !== 'string' ||
        result.userName.trim() === '' ||
        typeof result.active !== 'boolean'
      ) {
        throw new Error(`userName and active must survive every PATCH: ${JSON.stringify(result)}`);
      }
      if (primariesPerAttribute(user) <= 1 && primariesPerAttribute(result) > 1) {
        throw new Error(`more than one primary entry: ${JSON.stringify(result)}`);
      }
      const bad = nonJsonAt(result);
      if (bad !== undefined)
        throw new Error(`the patched user is not plain JSON at ${bad}: ${JSON.stringify(result)}`);
    },
  ),
  def(
    'group PATCH throws nothing but a 400 ScimError, mutates nothing, and names members by id',
    fc.tuple(groupPatchBody, fc.option(fc.uuid(), { nil: undefined })),
    ([body, groupId]) => {
      const bodyBefore = fc.stringify(body);
      let commands: GroupCommand[] | undefined;
      try {
        commands = toGroupCommands(parsePatchRequest(body), groupId);
      } catch (err) {
        onlyClientErrors(err, isPatchError);
      }
      if (fc.stringify(body) !== bodyBefore) throw new Error('parsing the PATCH mutated its body');
      for (const value of memberValues(commands ?? [])) {
        if (typeof value !== 'string' || value.trim() === '')
          throw new Error(`a member without an id: ${JSON.stringify(commands)}`);
      }
    },
  ),
];

PATCH_PROPERTIES.push(
  def(
    'removing entries by a sub-attribute no entry has removes nothing',
    fc.tuple(
      scimUser,
      fc.constantFrom('emails', 'phoneNumbers', 'roles', 'addresses').chain(caseVariants),
      attrName,
    ),
    ([user, attr, key]) => {
      const entries = Object.entries(user).find(([k]) => k.toLowerCase() === attr.toLowerCase())?.[1];
      if (
        !Array.isArray(entries) ||
        entries.some((e) => Object.keys(e as object).some((k) => k.toLowerCase() === key.toLowerCase()))
      )
        return;
      const ops = parsePatchRequest({
        schemas: [PATCH_OP],
        Operations: [{ op: 'remove', path: `${attr}[${key} pr]` }],
      });
      const result = applyUserPatch(user, ops);
      const after = Object.entries(result).find(([k]) => k.toLowerCase() === attr.toLowerCase())?.[1];
      if (!sameJson(after, entries)) {
        throw new Error(`remove ${attr}[${key} pr] removed entries that have no ${key}`);
      }
    },
  ),
);
