import { entraUser, scimBase, scimHeaders, seedUsers, type Ctx } from '../context';
import { newAgent, request, type Outcome } from '../http';
import { Tally, type Row } from '../report';
import { Service } from '../service';
import { Verdict } from '../verdict';

const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/**
 * e: a second service process (its own `node dist/src/main.js`, another port, the same database)
 * races the first. Both PATCH one group, each its own disjoint set of members (an add per member,
 * then a remove for every third), in both of Entra's remove shapes; at the same time both POST the
 * same userName in rounds. Afterwards PostgreSQL must hold exactly the acknowledged adds minus the
 * acknowledged removes, and exactly one user per contested userName, the others answered 409.
 */
export async function twoProcesses(ctx: Ctx): Promise<Row> {
  const started = performance.now();
  const tag = Date.now().toString(36);
  const second = await Service.start({ ...ctx.serviceOptions, workers: 1 });
  try {
    const urls = [scimBase(ctx), scimBase(ctx, second.url)];
    const ids = await seedUsers(ctx, `race-${tag}`, ctx.mode.raceUsers);
    const group = await request(`${urls[0]}/Groups`, {
      method: 'POST',
      headers: scimHeaders(ctx.tenant.scimToken),
      body: JSON.stringify({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
        displayName: `Race ${tag}`,
        externalId: `race-${tag}`,
      }),
      timeoutMs: 15_000,
    });
    if (group.kind !== 'response' || group.status !== 201)
      throw new Error(
        `group create: ${group.kind === 'response' ? `${group.status} ${group.body.slice(0, 200)}` : group.code}`,
      );
    const groupId = (JSON.parse(group.body) as { id: string }).id;

    // Membership race: member i belongs to side i % 2; each side runs 8 clients.
    type Fate = { add?: Outcome; remove?: Outcome };
    const fate = new Map<string, Fate>();
    const patchTally = new Tally();
    const patch = async (
      side: number,
      agent: ReturnType<typeof newAgent>,
      ops: unknown[],
    ): Promise<Outcome> => {
      const o = await request(`${urls[side]}/Groups/${groupId}`, {
        method: 'PATCH',
        headers: scimHeaders(ctx.tenant.scimToken),
        body: JSON.stringify({ schemas: [PATCH_OP], Operations: ops }),
        agent,
        timeoutMs: 15_000,
      });
      patchTally.add(o);
      return o;
    };
    const sideRun = async (side: number) => {
      const mine = ids.map((id, i) => ({ id, i })).filter((m) => m.i % 2 === side);
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          const agent = newAgent(1);
          while (next < mine.length && !ctx.aborted) {
            const m = mine[next++]!;
            const f: Fate = {};
            fate.set(m.id, f);
            f.add = await patch(side, agent, [{ op: 'Add', path: 'members', value: [{ value: m.id }] }]);
            if (m.i % 3 === 0 && isOk(f.add))
              f.remove = await patch(
                side,
                agent,
                m.i % 2 === 0
                  ? [{ op: 'Remove', path: `members[value eq "${m.id}"]` }]
                  : [{ op: 'Remove', path: 'members', value: [{ value: m.id }] }],
              );
          }
          agent.destroy();
        }),
      );
    };

    // userName race: per round, 8 POSTs of the same userName through each process at once.
    const createTally = new Tally();
    const rounds: Array<{
      userName: string;
      created: number;
      conflict: number;
      other: number;
      unknown: number;
    }> = [];
    const nameRace = async () => {
      for (let r = 0; r < ctx.mode.raceRounds && !ctx.aborted; r++) {
        const userName = `contested-${tag}-${r}@faults.example`;
        const outcomes = await Promise.all(
          Array.from({ length: 16 }, (_, k) =>
            request(`${urls[k % 2]}/Users`, {
              method: 'POST',
              headers: scimHeaders(ctx.tenant.scimToken),
              body: entraUser(userName, r),
              timeoutMs: 15_000,
            }),
          ),
        );
        const round = { userName, created: 0, conflict: 0, other: 0, unknown: 0 };
        for (const o of outcomes) {
          createTally.add(o);
          if (o.kind !== 'response') round.unknown++;
          else if (o.status === 201) round.created++;
          else if (o.status === 409) round.conflict++;
          else round.other++;
        }
        rounds.push(round);
      }
    };
    await Promise.all([sideRun(0), sideRun(1), nameRace()]);

    // What PostgreSQL holds.
    const members = new Set(
      (
        await ctx.cluster.query<{ member_id: string }>(
          'select member_id from membership where group_id = $1',
          [groupId],
        )
      ).map((r) => r.member_id),
    );
    let expected = 0;
    let ambiguous = 0;
    const wrong: string[] = [];
    for (const [id, f] of fate) {
      const definite = [f.add, f.remove].every((o) => o === undefined || isDefinite(o));
      if (!definite) {
        ambiguous++;
        continue;
      }
      const shouldBe = isOk(f.add) && !(f.remove && isOk(f.remove));
      if (shouldBe) expected++;
      if (shouldBe !== members.has(id)) wrong.push(`${id.slice(0, 8)} ${shouldBe ? 'missing' : 'present'}`);
    }
    const strangers = [...members].filter((id) => !fate.has(id)).length;
    const counts = await ctx.cluster.query<{ user_name: string; n: string }>(
      `select lower(user_name) as user_name, count(*) as n from app_user where tenant_id = $1 and user_name like $2 group by 1`,
      [ctx.tenant.id, `contested-${tag}-%`],
    );
    const rowsFor = (u: string) => Number(counts.find((c) => c.user_name === u.toLowerCase())?.n ?? 0);
    const badRounds = rounds.filter(
      (r) =>
        rowsFor(r.userName) !== 1 ||
        r.created !== 1 ||
        r.conflict + r.created + r.unknown + r.other !== 16 ||
        r.other > 0,
    );
    const all = new Tally();
    all.merge(patchTally);
    all.merge(createTally);
    const v = new Verdict()
      .fail(
        wrong.length > 0,
        `${wrong.length} members differ from acknowledged adds − removes (${wrong.slice(0, 3).join(', ')})`,
      )
      .fail(strangers > 0, `${strangers} members nobody added`)
      .fail(
        badRounds.length > 0,
        `userName race: ${badRounds.map((r) => `${r.created}×201 ${r.conflict}×409 ${r.other} other ${r.unknown} unknown, ${rowsFor(r.userName)} rows`).join('; ')}`,
      )
      .statuses(all, { allow4xx: true })
      .fail(
        all.s4xx !== createTally.s4xx || createTally.s4xx !== (createTally.detail.get('409') ?? 0),
        `unexpected 4xx (${[...all.detail.entries()].map(([k, n]) => `${k}×${n}`).join(', ')})`,
      );
    return v.row({
      id: 'e',
      name: 'two processes racing on one group and one userName',
      seconds: (performance.now() - started) / 1000,
      statuses: all,
      writes: {
        acknowledged: expected,
        present: members.size,
        missing: wrong.filter((w) => w.endsWith('missing')).length,
        unknown: ambiguous,
        unknownPresent: 0,
        errorButPresent: wrong.filter((w) => w.endsWith('present')).length,
      },
      facts: {
        members: fate.size,
        PATCHes: patchTally.total,
        'userName rounds': rounds.length,
        'rounds with exactly one 201': rounds.filter((r) => r.created === 1).length,
      },
    });
  } finally {
    await second.stop();
  }
}

const isOk = (o: Outcome | undefined) =>
  o !== undefined && o.kind === 'response' && o.status >= 200 && o.status < 300;
/** An outcome the client can be sure of: a 2xx (done) or a 4xx (refused). 5xx, resets, timeouts are not. */
const isDefinite = (o: Outcome) => o.kind === 'response' && o.status < 500;
