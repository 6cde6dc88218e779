import { execSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by the service process, all PostgreSQL processes, and this process. */
export interface CpuSample {
  service: number;
  postgres: number;
  client: number;
}

/** A sample with PostgreSQL's CPU per process, so that backends that come and go count right. */
export interface CpuSnapshot {
  service: number;
  postgres: Map<string, number>;
  client: number;
}

let ticksPerSecond: number | undefined;

function ticks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of a process, in seconds (Linux /proc). */
function processCpu(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / ticks();
}

let benchDatabase: string | undefined;

/**
 * Counts only the PostgreSQL backends serving `database` (plus the server's own background
 * processes), so that other databases' work on a shared server (another job's tests) stays out
 * of the figures. A backend's process title names its database: `postgres: 15/main: user db host state`.
 */
export function watchPostgresDatabase(database: string | undefined): void {
  benchDatabase = database;
}

const BACKGROUND =
  /: (background writer|checkpointer|walwriter|autovacuum launcher|logical replication launcher|archiver|stats collector)\s*$/;

function counted(pid: string): boolean {
  if (benchDatabase === undefined) return true;
  const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  if (!title.startsWith('postgres:')) return true; // the postmaster itself
  return BACKGROUND.test(title) || title.split(/\s+/).includes(benchDatabase);
}

function postgresCpu(): Map<string, number> {
  const byPid = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres' && counted(pid))
        byPid.set(pid, processCpu(pid));
    } catch {
      // the process ended meanwhile
    }
  }
  return byPid;
}

/**
 * Where the CPU goes: the service, PostgreSQL (every backend; the machine should be otherwise
 * idle) and the load generator. Linux only; elsewhere undefined and the table leaves it out.
 */
export function sampleCpu(servicePid: number | undefined): CpuSnapshot | undefined {
  try {
    const own = process.cpuUsage();
    return {
      service: servicePid === undefined ? 0 : processCpu(servicePid),
      postgres: postgresCpu(),
      client: (own.user + own.system) / 1e6,
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used between two snapshots. A PostgreSQL backend that started meanwhile counts from
 * zero; one that exited meanwhile is left out (its last seconds are lost, never negative).
 */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSample {
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  return { service: after.service - before.service, postgres, client: after.client - before.client };
}
