import type { Outcome } from './http';

/**
 * One scenario's result: a row of the printed table, a JSON line, a row of the markdown table.
 * Counts come from what the clients saw and from PostgreSQL, never from the service's own word.
 */
export interface Statuses {
  s2xx: number;
  s4xx: number;
  s429: number;
  s500: number;
  s503: number;
  other: number;
  resets: number;
  timeouts: number;
  refused: number;
  socketErrors: number;
}

export class Tally implements Statuses {
  s2xx = 0;
  s4xx = 0;
  s429 = 0;
  s500 = 0;
  s503 = 0;
  other = 0;
  resets = 0;
  timeouts = 0;
  refused = 0;
  socketErrors = 0;
  /** 503 and 429 answers, and how many of them carried Retry-After. */
  shed = 0;
  shedWithRetryAfter = 0;
  /** Status → count, for statuses counted as 4xx or other. */
  readonly detail = new Map<string, number>();

  add(o: Outcome): void {
    if (o.kind === 'response') {
      const s = o.status;
      if (s >= 200 && s < 300) this.s2xx++;
      else if (s === 429) this.s429++;
      else if (s === 500) this.s500++;
      else if (s === 503) this.s503++;
      else if (s >= 400 && s < 500) this.s4xx++;
      else this.other++;
      if (s === 429 || s === 503) {
        this.shed++;
        if (o.headers['retry-after'] !== undefined) this.shedWithRetryAfter++;
      }
      if (!(s >= 200 && s < 300) && s !== 503 && s !== 429) this.bump(String(s));
    } else {
      if (o.kind === 'reset') this.resets++;
      else if (o.kind === 'timeout') this.timeouts++;
      else if (o.kind === 'refused') this.refused++;
      else this.socketErrors++;
      this.bump(o.code);
    }
  }

  private bump(key: string): void {
    this.detail.set(key, (this.detail.get(key) ?? 0) + 1);
  }

  get total(): number {
    return (
      this.s2xx +
      this.s4xx +
      this.s429 +
      this.s500 +
      this.s503 +
      this.other +
      this.resets +
      this.timeouts +
      this.refused +
      this.socketErrors
    );
  }

  merge(other: Tally): void {
    for (const k of Object.keys(this) as Array<keyof Tally>) {
      const v = this[k];
      if (typeof v === 'number') (this as unknown as Record<string, number>)[k] = v + (other[k] as number);
    }
    for (const [k, v] of other.detail) this.detail.set(k, (this.detail.get(k) ?? 0) + v);
  }

  toJSON(): Record<string, unknown> {
    return {
      s2xx: this.s2xx,
      s4xx: this.s4xx,
      s429: this.s429,
      s500: this.s500,
      s503: this.s503,
      other: this.other,
      resets: this.resets,
      timeouts: this.timeouts,
      refused: this.refused,
      socketErrors: this.socketErrors,
      shed: this.shed,
      shedWithRetryAfter: this.shedWithRetryAfter,
      detail: Object.fromEntries(this.detail),
    };
  }
}

/** Acknowledged writes against rows present in PostgreSQL afterwards. */
export interface Writes {
  /** 2xx answers to writes the clients saw. */
  acknowledged: number;
  /** Rows of this scenario present in the database afterwards. */
  present: number;
  /** Acknowledged but not present: lost writes. Must be 0. */
  missing: number;
  /** Writes whose answer never arrived (reset, timeout): outcome unknown; and how many are present. */
  unknown: number;
  unknownPresent: number;
  /** Answered with an error status (e.g. 503) but present all the same. */
  errorButPresent: number;
}

export interface Row {
  id: string;
  name: string;
  verdict: 'PASS' | 'FAIL';
  /** Why it failed (every reason), or the key facts when it passed. */
  reasons: string[];
  seconds: number;
  writes?: Writes;
  statuses?: Tally;
  /** ms from the fault ending to the first 2xx, and to the first /readyz 200. */
  recoveryMs?: { first2xx: number | null; ready: number | null };
  /** Scenario-specific measurements, printed as "key value" notes. */
  facts: Record<string, string | number | boolean | null>;
  log?: { lines: number; nonJson: number; firstNonJson?: string; errors: Record<string, number> };
}

const fmtMs = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${Math.round(v)}`);

function retryAfterCell(t?: Tally): string {
  if (!t || t.shed === 0) return '—';
  return t.shed === t.shedWithRetryAfter ? `all ${t.shed}` : `${t.shedWithRetryAfter}/${t.shed}`;
}

export function markdownTable(rows: Row[]): string {
  const head = [
    'scenario',
    'verdict',
    'acked / present',
    'unknown (present)',
    '2xx',
    '4xx',
    '429',
    '500',
    '503',
    'other',
    'resets',
    'timeouts',
    'Retry-After',
    'recovery ms: 2xx / ready',
    'measured',
    'reason',
  ];
  const body = rows.map((r) => {
    const t = r.statuses;
    const w = r.writes;
    return [
      `${r.id}. ${r.name}`,
      r.verdict === 'PASS' ? 'PASS' : '**FAIL**',
      w ? `${w.acknowledged} / ${w.present}${w.missing ? ` (${w.missing} lost)` : ''}` : '—',
      w ? `${w.unknown} (${w.unknownPresent})` : '—',
      t ? String(t.s2xx) : '—',
      t ? String(t.s4xx) : '—',
      t ? String(t.s429) : '—',
      t ? String(t.s500) : '—',
      t ? String(t.s503) : '—',
      t ? String(t.other + t.socketErrors) : '—',
      t ? String(t.resets) : '—',
      t ? String(t.timeouts) : '—',
      retryAfterCell(t),
      r.recoveryMs ? `${fmtMs(r.recoveryMs.first2xx)} / ${fmtMs(r.recoveryMs.ready)}` : '—',
      Object.entries(r.facts)
        .map(([k, v]) => `${k} ${v === null ? '—' : typeof v === 'number' ? round(v) : String(v)}`)
        .join('; '),
      r.reasons.join('; ').replace(/\|/g, '\\|'),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...body.map(line)].join('\n');
}

function round(v: number): string {
  return Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1);
}

export function jsonLine(row: Row): string {
  return JSON.stringify({ faults: row.id, ...row, statuses: row.statuses?.toJSON() });
}
