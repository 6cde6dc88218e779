/**
 * Turns a Group PATCH into named commands the domain runs as set operations (docs/conventions.md,
 * "Memberships are rows changed by deltas"). The member list is never loaded: Entra sends
 * membership PATCHes in parallel, one member each, and load-edit-save loses members.
 */
import type { Filter } from '../../../domain/query/ast';
import { normalizeOperations, type NormalizedOp } from './entra-normalize';
import { GROUP_SCHEMA } from './resource-schemas';
import { PatchError, type PatchOperation } from './types';
import type { Entry } from './values';

/** A member as the client names it; the domain resolves its type (user or group). */
export interface GroupMemberRef {
  value: string;
  display?: string;
}

export type GroupCommand =
  | { kind: 'setAttributes'; displayName?: string; externalId?: string | null }
  | { kind: 'addMembers'; members: GroupMemberRef[] }
  | { kind: 'removeMembers'; ids: string[] }
  | { kind: 'removeAllMembers' }
  | { kind: 'replaceMembers'; members: GroupMemberRef[] };

/**
 * The commands of a Group PATCH, in an order whose sequential execution has the PATCH's effect.
 * Adjacent membership commands are merged (remove-all then add = replace); attribute changes are
 * independent of membership, so they are merged into one setAttributes at its first position.
 * `groupId` is the patched group's id: a path-less replace echoing it (Entra's flagged rename
 * sends `{"id": …, "displayName": …}`) is not a modification of the read-only id.
 */
export function toGroupCommands(ops: readonly PatchOperation[], groupId?: string): GroupCommand[] {
  const commands: GroupCommand[] = [];
  for (const op of normalizeOperations(ops, GROUP_SCHEMA)) {
    if (echoesId(op, groupId)) continue;
    const command = toCommand(op);
    if (command !== undefined) push(commands, command);
  }
  return commands;
}

/** RFC 7644 §3.5.2: sending the value a read-only attribute already has does not modify it. */
function echoesId(op: NormalizedOp, groupId: string | undefined): boolean {
  const { attr, sub, filter } = op.target;
  return (
    groupId !== undefined &&
    attr.name === 'id' &&
    op.op !== 'remove' &&
    sub === undefined &&
    filter === undefined &&
    typeof op.value === 'string' &&
    op.value.toLowerCase() === groupId.toLowerCase()
  );
}

function toCommand(op: NormalizedOp): GroupCommand | undefined {
  const { attr } = op.target;
  if (attr.mutability === 'readOnly') {
    throw new PatchError('mutability', `${op.label}: ${attr.name} is read-only and cannot be changed.`);
  }
  switch (attr.name) {
    case 'displayName':
      if (op.op === 'remove' || typeof op.value !== 'string' || op.value.trim() === '') {
        throw new PatchError(
          'invalidValue',
          `${op.label}: displayName is required and cannot be removed or empty.`,
        );
      }
      return { kind: 'setAttributes', displayName: op.value };
    case 'externalId':
      return { kind: 'setAttributes', externalId: op.op === 'remove' ? null : (op.value as string) };
    case 'members':
      return memberCommand(op);
    default:
      return undefined; // attributes we do not store (E10)
  }
}

function memberCommand(op: NormalizedOp): GroupCommand | undefined {
  const { sub, filter } = op.target;
  if (filter === undefined) {
    if (sub !== undefined) {
      throw new PatchError(
        'invalidPath',
        `${op.label}: target members or members[value eq "<id>"], not a sub-attribute.`,
      );
    }
    // A plain remove is RFC "remove all"; Entra's remove-with-value-list was already rewritten to
    // members[value eq "…"] removes by entra-normalize.ts (E9).
    if (op.op === 'remove') return { kind: 'removeAllMembers' };
    const members = toMemberRefs(op.value as Entry[], op.label);
    return op.op === 'add' ? { kind: 'addMembers', members } : { kind: 'replaceMembers', members };
  }
  // display, type and $ref are derived from the member itself; writing them changes nothing.
  if (sub !== undefined && sub.name !== 'value') return undefined;
  const ids = memberIds(filter);
  if (ids === undefined || sub !== undefined) {
    throw new PatchError(
      'invalidPath',
      `${op.label}: a members filter must be value eq "<id>" (several may be joined by "or").`,
    );
  }
  if (op.op === 'remove') return { kind: 'removeMembers', ids };
  // add/replace members[value eq "x"]: make sure x is a member (the entry the filter names).
  // As for a value list (toMemberRefs), a blank id names no member.
  if (ids.some((id) => id.trim() === '')) {
    throw new PatchError('invalidValue', `${op.label}: every member needs a "value" with the member's id.`);
  }
  const display = (op.value as Entry).display;
  return {
    kind: 'addMembers',
    members: ids.map((value) => ({ value, ...(typeof display === 'string' && { display }) })),
  };
}

function toMemberRefs(entries: Entry[], label: string): GroupMemberRef[] {
  return dedupe(
    entries.map((entry) => {
      const { value, display } = entry;
      if (typeof value !== 'string' || value.trim() === '') {
        throw new PatchError('invalidValue', `${label}: every member needs a "value" with the member's id.`);
      }
      return { value, ...(typeof display === 'string' && { display }) };
    }),
  );
}

/** The ids of `value eq "id"` or an or-chain of them; undefined for any other filter. */
function memberIds(filter: Filter): string[] | undefined {
  if (filter.kind === 'compare') {
    const ok =
      filter.op === 'eq' && filter.path.attr.toLowerCase() === 'value' && filter.path.sub === undefined;
    return ok && (typeof filter.value === 'string' || typeof filter.value === 'number')
      ? [String(filter.value)]
      : undefined;
  }
  if (filter.kind !== 'or') return undefined;
  const left = memberIds(filter.left);
  const right = memberIds(filter.right);
  return left && right && [...left, ...right];
}

function push(commands: GroupCommand[], next: GroupCommand): void {
  if (next.kind === 'setAttributes') {
    const existing = commands.find((c) => c.kind === 'setAttributes');
    if (existing === undefined) commands.push(next);
    else Object.assign(existing, next);
    return;
  }
  const lastIndex = commands.findLastIndex((c) => c.kind !== 'setAttributes');
  const last = commands[lastIndex];
  switch (next.kind) {
    case 'replaceMembers':
    case 'removeAllMembers': {
      // Whatever membership commands came before are overwritten by a full set.
      const kept = commands.filter((c) => c.kind === 'setAttributes');
      commands.splice(0, commands.length, ...kept, next);
      return;
    }
    case 'addMembers':
      if (last?.kind === 'addMembers' || last?.kind === 'replaceMembers') {
        last.members = dedupe([...last.members, ...next.members]);
      } else if (last?.kind === 'removeAllMembers') {
        commands[lastIndex] = { kind: 'replaceMembers', members: next.members };
      } else {
        commands.push(next);
      }
      return;
    case 'removeMembers':
      if (last?.kind === 'removeMembers') last.ids = [...new Set([...last.ids, ...next.ids])];
      else if (last?.kind === 'replaceMembers')
        last.members = last.members.filter((m) => !next.ids.includes(m.value));
      else if (last?.kind !== 'removeAllMembers')
        commands.push({ kind: 'removeMembers', ids: [...new Set(next.ids)] });
      return;
  }
}

/** One ref per id; a later display wins. */
function dedupe(members: GroupMemberRef[]): GroupMemberRef[] {
  const byId = new Map<string, GroupMemberRef>();
  for (const m of members) byId.set(m.value, { ...byId.get(m.value), ...m });
  return [...byId.values()];
}
