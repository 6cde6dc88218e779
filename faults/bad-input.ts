/**
 * Bad input, as hostile or careless clients send it: each case is one HTTP request to the running
 * service and the statuses it may answer. Used by `npm run faults` (against a real process) and by
 * the test suite (against the app in process). No case may get a 5xx, hang, or change data.
 */
export interface BadInputCase {
  /** What the case is, in a few words ("PATCH with op 'explode'"). */
  name: string;
  transport: 'scim' | 'graphql';
  method: string;
  /** For SCIM, relative to the tenant's Provisioning URL ("/Users"); for GraphQL, "/graphql". */
  path: string;
  /** Extra headers; authentication is added by the runner unless `auth: false`. */
  headers?: Record<string, string>;
  /** The raw body, sent byte for byte (undefined: no body). */
  body?: string;
  /** false: send no Authorization header. */
  auth?: boolean;
  /** Acceptable statuses (all 4xx, or 200 for GraphQL errors answered with data: null). */
  expect: number[];
}

export const BAD_INPUT_CASES: BadInputCase[] = [];
