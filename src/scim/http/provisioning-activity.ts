import type {
  ProvisioningOperation,
  ProvisioningResourceType,
} from '../../domain/provisioning/provisioning-log.service';
import type { ScimRequest } from './scim-state';

/** What a SCIM request did, for the provisioning log's Activity page. */
export interface ProvisioningActivityFacts {
  operation: ProvisioningOperation | null;
  resourceType: ProvisioningResourceType | null;
  resourceId: string | null;
  resourceName: string | null;
  testConnection: boolean;
}

export interface ClassifiedRequest {
  method: string;
  /** The path below the tenant's base URL, e.g. /Users/<id>. */
  path: string;
  status: number;
  /** The `filter` query parameter, if any. */
  filter: string | undefined;
  scim: Pick<ScimRequest, 'body' | 'touched' | 'listed'> | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `userName eq "x"` or `displayName eq "x"`: how Entra looks a resource up before it writes. */
const NAME_LOOKUP = /^\s*(userName|displayName)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i;
const CORE_PREFIX = /^urn:ietf:params:scim:schemas:core:2\.0:user:/i;

/**
 * Classifies a SCIM request from what the route already knows (method, path, body, the resource
 * it touched), with no database access: POST = CREATE (POST …/.search = READ), PUT/PATCH = UPDATE
 * except a change that sets a user's active to false = DISABLE, DELETE = DELETE, GET = READ.
 * Entra's Test Connection is a `GET /Users?filter=userName eq "<random GUID>"` answered 200 with no
 * results.
 */
export function classifyRequest(req: ClassifiedRequest): ProvisioningActivityFacts {
  const [first, second] = req.path.split('/').filter((s) => s !== '');
  const resourceType = typeOf(first);
  const isSearch = second === '.search' || first === '.search';
  const pathId = second !== undefined && !isSearch ? safeDecode(second) : null;
  const operation = operationOf(req.method, isSearch, resourceType, req.scim?.body);
  const lookup = req.method === 'GET' && req.filter ? NAME_LOOKUP.exec(req.filter) : null;
  const lookedUp = lookup?.[2]?.replace(/\\(.)/g, '$1') ?? null;
  const touched = req.scim?.touched;
  return {
    operation,
    resourceType,
    resourceId: touched?.id ?? pathId,
    resourceName: touched?.name ?? bodyName(req.scim?.body, req.method) ?? lookedUp,
    testConnection:
      resourceType === 'USER' &&
      req.method === 'GET' &&
      pathId === null &&
      req.status === 200 &&
      req.scim?.listed === 0 &&
      lookup?.[1]?.toLowerCase() === 'username' &&
      UUID.test(lookedUp ?? ''),
  };
}

function typeOf(segment: string | undefined): ProvisioningResourceType | null {
  const s = segment?.toLowerCase();
  return s === 'users' ? 'USER' : s === 'groups' ? 'GROUP' : null;
}

function operationOf(
  method: string,
  isSearch: boolean,
  type: ProvisioningResourceType | null,
  body: unknown,
): ProvisioningOperation | null {
  switch (method) {
    case 'GET':
      return 'READ';
    case 'POST':
      return isSearch ? 'READ' : 'CREATE';
    case 'PUT':
    case 'PATCH':
      return type === 'USER' && setsActiveFalse(method, body) ? 'DISABLE' : 'UPDATE';
    case 'DELETE':
      return 'DELETE';
    default:
      return null;
  }
}

/** Whether a PUT body or PATCH request sets `active` to false (Entra sends "False" as a string too). */
export function setsActiveFalse(method: string, body: unknown): boolean {
  if (!isObject(body)) return false;
  if (method === 'PUT') return isFalse(keyOf(body, 'active'));
  const ops = keyOf(body, 'operations');
  if (!Array.isArray(ops)) return false;
  return ops.some((op) => {
    if (!isObject(op)) return false;
    const kind = String(keyOf(op, 'op') ?? '').toLowerCase();
    if (kind !== 'replace' && kind !== 'add') return false;
    const path = keyOf(op, 'path');
    const value = keyOf(op, 'value');
    if (typeof path === 'string' && path.trim() !== '') {
      return path.replace(CORE_PREFIX, '').toLowerCase() === 'active' && isFalse(value);
    }
    return isObject(value) && isFalse(keyOf(value, 'active'));
  });
}

function bodyName(body: unknown, method: string): string | null {
  if ((method !== 'POST' && method !== 'PUT') || !isObject(body)) return null;
  const name = keyOf(body, 'userName') ?? keyOf(body, 'displayName');
  return typeof name === 'string' && name !== '' ? name : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A key matched case-insensitively (SCIM attribute names are case-insensitive). */
function keyOf(o: Record<string, unknown>, key: string): unknown {
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(o)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function isFalse(v: unknown): boolean {
  return v === false || (typeof v === 'string' && v.trim().toLowerCase() === 'false');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
