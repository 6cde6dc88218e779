import { scimBase, scimHeaders, type Ctx } from '../context';
import { newAgent, percentile, request, sleep, type Outcome } from '../http';
import { Tally, type Row } from '../report';
import { Verdict } from '../verdict';

/** The fragment bomb must be rejected within this. */
export const FRAGMENT_BOMB_TARGET_MS = 100;

/** query{...F0} with F0..F24 each spreading the next twice and F25 a leaf: 2^25 leaves if expanded. */
export function fragmentBomb(depth = 25): string {
  const parts = ['query{...F0}'];
  for (let i = 0; i < depth; i++) parts.push(`fragment F${i} on Query{...F${i + 1} ...F${i + 1}}`);
  parts.push(`fragment F${depth} on Query{viewer{kind}}`);
  return parts.join(' ');
}

/** `n` aliases of users(first:0){totalCount}: a cheap-looking field that costs n count queries. */
export function aliasBomb(n: number): string {
  return `query{${Array.from({ length: n }, (_, i) => `a${i}: users(first: 0) { totalCount }`).join(' ')}}`;
}

type Kind = 'fragment' | 'alias1000' | 'alias900';
const QUERIES: Record<Kind, () => string> = {
  fragment: () => fragmentBomb(),
  // The bomb as specified: 1,000 aliases are ~11,000 tokens, so graphql-js's parser token limit
  // (10,000) may reject it before any cost analysis runs.
  alias1000: () => aliasBomb(1000),
  // 900 aliases stay under the token limit: only the (alias-aware) cost analysis can stop these.
  alias900: () => aliasBomb(900),
};

/**
 * g: the fragment bomb (no credentials) and the alias bombs (with a read API key), one at a time
 * and then all at once, while one SCIM client GETs without pause. The fragment bomb must be
 * rejected as 400 QUERY_TOO_COMPLEX within 100 ms; the 900-alias bomb as 400 QUERY_TOO_COMPLEX;
 * the 1,000-alias bomb with a 400 (its error code is reported). The SCIM GET's latency shows
 * whether the bombs stall the service.
 */
export async function graphqlBombs(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const url = `${ctx.service.url}/graphql`;
  let stop = false;
  const scim: Array<{ start: number; ms: number }> = [];
  const scimTally = new Tally();
  const scimLoop = (async () => {
    const agent = newAgent(1);
    while (!stop && !ctx.aborted) {
      const o = await request(`${scimBase(ctx)}/Users?count=10`, {
        headers: scimHeaders(ctx.tenant.scimToken),
        agent,
        timeoutMs: 10_000,
      });
      scimTally.add(o);
      scim.push({ start: o.start, ms: o.ms });
    }
    agent.destroy();
  })();
  // One ordinary query first, so a cold GraphQL pipeline is not blamed on the first bomb.
  await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.tenant.readKey}` },
    body: JSON.stringify({ query: '{ viewer { kind } }' }),
    timeoutMs: 10_000,
  });
  await sleep(1000);
  const bombsFrom = performance.now();
  const tally = new Tally();
  const results: Array<{ kind: Kind; o: Outcome; together: boolean }> = [];
  const fire = async (kind: Kind, together = false) => {
    const o = await request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(kind !== 'fragment' ? { authorization: `Bearer ${ctx.tenant.readKey}` } : {}),
      },
      body: JSON.stringify({ query: QUERIES[kind]() }),
      timeoutMs: 30_000,
    });
    tally.add(o);
    results.push({ kind, o, together });
  };
  const kinds: Kind[] = ['fragment', 'alias1000', 'alias900'];
  for (const kind of kinds) for (let i = 0; i < ctx.mode.bombs && !ctx.aborted; i++) await fire(kind);
  await Promise.all(Array.from({ length: ctx.mode.bombs * 3 }, (_, i) => fire(kinds[i % 3]!, true)));
  const bombsTo = performance.now();
  await sleep(500);
  stop = true;
  await scimLoop;
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const baseline = sorted(scim.filter((s) => s.start < bombsFrom).map((s) => s.ms));
  const during = sorted(scim.filter((s) => s.start >= bombsFrom && s.start < bombsTo).map((s) => s.ms));
  const of = (kind: Kind) => results.filter((r) => r.kind === kind);
  const maxMs = (rs: typeof results) => Math.max(0, ...rs.map((r) => r.o.ms));
  const code = (o: Outcome) =>
    o.kind !== 'response'
      ? o.code
      : `${o.status} ${/"code":"([A-Z_]+)"/.exec(o.body)?.[1] ?? o.body.slice(0, 100).replace(/\s+/g, ' ')}`;
  const codes = (rs: typeof results) => [...new Set(rs.map((r) => code(r.o)))].join(', ');
  const tooComplex = (o: Outcome) =>
    o.kind === 'response' && o.status === 400 && o.body.includes('QUERY_TOO_COMPLEX');
  const rejected = (o: Outcome) => o.kind === 'response' && o.status === 400;
  const fragSequential = of('fragment').filter((r) => !r.together);
  const v = new Verdict()
    .fail(
      !of('fragment').every((r) => tooComplex(r.o)),
      `fragment bomb answered ${codes(of('fragment'))} (target 400 QUERY_TOO_COMPLEX)`,
    )
    .fail(
      !of('alias900').every((r) => tooComplex(r.o)),
      `900-alias bomb answered ${codes(of('alias900'))} (target 400 QUERY_TOO_COMPLEX)`,
    )
    .fail(
      !of('alias1000').every((r) => rejected(r.o)),
      `1,000-alias bomb answered ${codes(of('alias1000'))} (target 400)`,
    )
    .fail(
      maxMs(fragSequential) > FRAGMENT_BOMB_TARGET_MS,
      `fragment bomb answered in up to ${Math.round(maxMs(fragSequential))} ms (target < ${FRAGMENT_BOMB_TARGET_MS})`,
    )
    .statuses(tally, { allow4xx: true })
    .statuses(scimTally);
  return v.row(
    {
      id: 'g',
      name: 'GraphQL fragment bomb and alias bombs',
      seconds: (performance.now() - started) / 1000,
      statuses: tally,
      facts: {
        'fragment bomb ms max (alone/together)': `${maxMs(fragSequential).toFixed(0)}/${maxMs(of('fragment').filter((r) => r.together)).toFixed(0)}`,
        '1,000-alias ms max': maxMs(of('alias1000')),
        '1,000-alias answer': codes(of('alias1000')),
        '900-alias ms max': maxMs(of('alias900')),
        '900-alias answer': codes(of('alias900')),
        'SCIM GET p50 ms before': percentile(baseline, 50),
        'SCIM GET p50/max ms during': `${percentile(during, 50).toFixed(1)}/${Math.max(0, ...during).toFixed(0)}`,
      },
    },
    'all bombs rejected, fragment bomb fast',
  );
}
