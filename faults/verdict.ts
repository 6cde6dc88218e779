import type { Row } from './report';
import type { Tally } from './report';

/** Collects failure reasons; a row passes when there is none. */
export class Verdict {
  readonly reasons: string[] = [];
  fail(cond: boolean, reason: string): this {
    if (cond) this.reasons.push(reason);
    return this;
  }
  /** The checks every row with client traffic shares: no 500, no resets, Retry-After on every 503/429. */
  statuses(t: Tally, opts: { allowTimeouts?: boolean; allow4xx?: boolean } = {}): this {
    this.fail(t.s500 > 0, `${t.s500} × 500`);
    this.fail(t.resets > 0, `${t.resets} connection resets`);
    this.fail(!opts.allowTimeouts && t.timeouts > 0, `${t.timeouts} client timeouts`);
    this.fail(
      t.shed > t.shedWithRetryAfter,
      `${t.shed - t.shedWithRetryAfter} of ${t.shed} 503/429 without Retry-After`,
    );
    this.fail(t.other > 0, `${t.other} other statuses (${detail(t)})`);
    this.fail(t.socketErrors > 0, `${t.socketErrors} socket errors (${detail(t)})`);
    this.fail(!opts.allow4xx && t.s4xx > 0, `${t.s4xx} unexpected 4xx (${detail(t)})`);
    return this;
  }
  row(base: Omit<Row, 'verdict' | 'reasons'>, passNote = 'all targets met'): Row {
    return {
      ...base,
      verdict: this.reasons.length ? 'FAIL' : 'PASS',
      reasons: this.reasons.length ? this.reasons : [passNote],
    };
  }
}

function detail(t: Tally): string {
  return [...t.detail.entries()].map(([k, v]) => `${k}×${v}`).join(', ');
}
