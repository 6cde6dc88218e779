import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import { validateSizes, type Sizes } from './data';

export type Cycle = 'initial' | 'incremental' | 'none';

export interface ReplayOptions extends Sizes {
  url: string;
  token: string;
  allowRemote: boolean;
  cycle: Cycle;
  concurrency: number;
  seed: number;
  membersPerPatch: number;
  changeRate: number;
  verify: boolean;
  /** State file; undefined: .replay/<hash>.json. */
  state?: string;
  fresh: boolean;
  serverPid?: number;
  pageSize: number;
}

export const HELP = `npm run replay -- --url <SCIM base URL> [options]

Plays Microsoft Entra ID's provisioning cycles against a SCIM 2.0 service and reports how long they
take. Without --cycle incremental it runs the initial cycle: per user GET /Users?filter=userName eq
"…" then POST /Users; per group GET /Groups?filter=displayName eq "…"&excludedAttributes=members then
POST /Groups without members; then PATCH Add members in chunks.

Target
  --url <url>               SCIM base URL (Entra's Tenant URL), e.g. http://127.0.0.1:3000/scim/v2/acme.
                            A query string (?aadOptscim062020) is kept on every request, as Entra does.
  --token <token>           Bearer token (Entra's Secret Token); default: the SCIM_TOKEN environment variable.
  --allow-remote            Allow a host other than loopback (127.0.0.0/8, localhost, ::1). Refused otherwise.

Cycle
  --cycle <kind>            initial (default) | incremental (after an initial one) | none (with --verify: only verify).
  --users <n>               Users (default 1000).
  --groups <n>              Groups (default 20).
  --memberships <n>         User-in-group memberships, spread over the groups (default 5000).
  --nesting <n>             Levels of groups inside groups (default 0).
  --members-per-patch <n>   Members per membership PATCH (default 25, as Entra; 1 models the worst case).
  --change-rate <r>         Incremental cycle: fraction of users changed (default 0.01). Of those, 5 % (at least
                            one) are deleted, 20 % disabled (Replace active "False"), 15 % moved from one group
                            to another (PATCH Remove + PATCH Add), the rest get a PATCH Replace of a couple of
                            attributes; each user is first looked up with the userName filter.
  --seed <n>                Seed of the generated directory (default 1): the same seed and sizes give the same
                            users, groups, memberships and changes.
  --concurrency <n>         Requests in flight at once, and sockets kept alive (default 16).

Afterwards
  --verify                  Read everything back (paged GET /Users, GET /Groups/<id>) and compare with what the
                            directory should hold after the cycles run so far: every user and attribute, every
                            group and membership, deleted users gone, disabled users active=false. Prints the
                            drift per kind with examples; exit status 1 if there is any.
  --page-size <n>           Users per page when verifying (default 1000; the server may cap it).

Resuming
  --state <file>            State file (default .replay/<hash of url, seed, sizes, members-per-patch>.json). It
                            records the ids created and the steps done; it is written every 5 s and on Ctrl-C.
                            A rerun with the same arguments continues where the last one stopped.
  --fresh                   Ignore and overwrite an existing state file.

Report
  --server-pid <pid>        Process whose RSS (with its children's: a cluster's workers) is sampled every second.
                            Default: for a loopback URL, the process listening on its port, found through /proc.
  --help                    This text.

Exit status: 0 done (and no drift), 1 drift or requests that failed (rerun to retry them), 2 bad arguments
or a refused target, 130 interrupted (state saved; rerun to continue).`;

export class UsageError extends Error {}

function int(name: string, value: string | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be a whole number ≥ ${min} (got ${value})`);
  return n;
}

/** Parses the command line (without node and the script); throws UsageError on anything wrong. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): ReplayOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        url: { type: 'string' },
        token: { type: 'string' },
        'allow-remote': { type: 'boolean', default: false },
        cycle: { type: 'string' },
        users: { type: 'string' },
        groups: { type: 'string' },
        memberships: { type: 'string' },
        nesting: { type: 'string' },
        'members-per-patch': { type: 'string' },
        'change-rate': { type: 'string' },
        seed: { type: 'string' },
        concurrency: { type: 'string' },
        verify: { type: 'boolean', default: false },
        'page-size': { type: 'string' },
        state: { type: 'string' },
        fresh: { type: 'boolean', default: false },
        'server-pid': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return 'help';
  if (!values.url) throw new UsageError('--url is required (the SCIM base URL); see --help');
  const token = values.token ?? env.SCIM_TOKEN;
  if (!token) throw new UsageError('--token (or the SCIM_TOKEN environment variable) is required');
  const cycle = values.cycle ?? 'initial';
  if (cycle !== 'initial' && cycle !== 'incremental' && cycle !== 'none') {
    throw new UsageError(`--cycle must be initial, incremental or none (got ${cycle})`);
  }
  const changeRate = values['change-rate'] === undefined ? 0.01 : Number(values['change-rate']);
  if (!(changeRate >= 0 && changeRate <= 1)) throw new UsageError('--change-rate must be between 0 and 1');
  const opts: ReplayOptions = {
    url: values.url,
    token,
    allowRemote: values['allow-remote'],
    cycle,
    users: int('users', values.users, 1000),
    groups: int('groups', values.groups, 20),
    memberships: int('memberships', values.memberships, 5000),
    nesting: int('nesting', values.nesting, 0),
    membersPerPatch: int('members-per-patch', values['members-per-patch'], 25, 1),
    changeRate,
    seed: int('seed', values.seed, 1),
    concurrency: int('concurrency', values.concurrency, 16, 1),
    verify: values.verify,
    pageSize: int('page-size', values['page-size'], 1000, 1),
    state: values.state,
    fresh: values.fresh,
    serverPid: values['server-pid'] === undefined ? undefined : int('server-pid', values['server-pid'], 0, 1),
  };
  const bad = validateSizes({
    users: opts.users,
    groups: opts.groups,
    memberships: opts.memberships,
    nesting: opts.nesting,
  });
  if (bad) throw new UsageError(bad);
  checkTarget(opts.url, opts.allowRemote);
  return opts;
}

/** Whether `hostname` (as URL.hostname gives it) is this machine: 127.0.0.0/8, localhost or ::1. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = host.startsWith('::ffff:') ? host.slice(7) : host;
  if (isIP(v4) === 4) return v4.split('.')[0] === '127';
  if (isIP(host) === 6) return /^(0{0,4}:){2,7}0{0,3}1$/.test(host) || host === '::1';
  return false;
}

/** Refuses (UsageError) a URL that is not http(s), or whose host is not loopback unless allowed. */
export function checkTarget(url: string, allowRemote: boolean): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url is not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UsageError('--url must be http: or https:');
  if (!allowRemote && !isLoopback(u.hostname)) {
    throw new UsageError(
      `${u.hostname} is not a loopback address (127.0.0.0/8, localhost, ::1): a replay writes thousands of users; pass --allow-remote to target it anyway`,
    );
  }
  return u;
}
