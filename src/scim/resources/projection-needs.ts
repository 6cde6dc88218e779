import type { ProjectionOptions } from '../protocol/projection';

const CORE_PREFIX = {
  group: /^urn:ietf:params:scim:schemas:core:2\.0:group:/,
  user: /^urn:ietf:params:scim:schemas:core:2\.0:user:/,
};

const named = (list: readonly string[] | undefined, attr: string, schema: 'group' | 'user') =>
  (list ?? []).some((a) => {
    const n = a.toLowerCase().replace(CORE_PREFIX[schema], '');
    return n === attr || n.startsWith(`${attr}.`) || n.startsWith(`${attr}[`);
  });

/**
 * Whether a group representation under this projection includes members. When it does not
 * (`excludedAttributes=members`, or an `attributes` list without members), members are not queried.
 */
export function wantsMembers(p: ProjectionOptions): boolean {
  if (named(p.excludedAttributes, 'members', 'group')) return false;
  if (p.attributes && p.attributes.length > 0) return named(p.attributes, 'members', 'group');
  return true;
}

/**
 * Whether a user representation includes `groups`: it is "returned: request" (our /Schemas), so
 * only an `attributes` list naming it asks for it, and no other read pays for the query.
 */
export function wantsGroups(p: ProjectionOptions): boolean {
  return named(p.attributes, 'groups', 'user') && !named(p.excludedAttributes, 'groups', 'user');
}
