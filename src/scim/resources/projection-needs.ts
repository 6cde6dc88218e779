import type { ProjectionOptions } from '../protocol/projection';

const named = (list: readonly string[] | undefined, attr: string) =>
  (list ?? []).some((a) => {
    const n = a.toLowerCase().replace(/^urn:ietf:params:scim:schemas:core:2\.0:group:/, '');
    return n === attr || n.startsWith(`${attr}.`) || n.startsWith(`${attr}[`);
  });

/**
 * Whether a group representation under this projection includes members. When it does not
 * (`excludedAttributes=members`, or an `attributes` list without members), members are not queried.
 */
export function wantsMembers(p: ProjectionOptions): boolean {
  if (named(p.excludedAttributes, 'members')) return false;
  if (p.attributes && p.attributes.length > 0) return named(p.attributes, 'members');
  return true;
}
