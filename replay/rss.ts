import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * The local server's memory, read from /proc (Linux): the process listening on the target's port
 * (its socket inode in /proc/net/tcp{,6}, found among /proc/<pid>/fd), plus its child processes
 * (a cluster primary's workers). Anything unreadable yields undefined rather than an error.
 */

function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A') continue; // 0A = LISTEN
      const localPort = parseInt(f[1]!.split(':').pop()!, 16);
      if (localPort === port) inodes.add(f[9]!);
    }
  }
  return inodes;
}

function pids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
}

/** The pid holding the listening socket of `port`, if it can be seen. */
export function findListeningPid(port: number): number | undefined {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  const wanted = new Set([...inodes].map((i) => `socket:[${i}]`));
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (wanted.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return pid;
      } catch {
        // the fd closed meanwhile
      }
    }
  }
  return undefined;
}

export function childPids(parent: number): number[] {
  const out: number[] = [];
  for (const pid of pids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(pid);
    } catch {
      // gone
    }
  }
  return out;
}

/** Resident set size in bytes, or undefined when the process cannot be read. */
export function rssBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS (summed with its children's) once a second and keeps the peak. */
export class RssSampler {
  peak = 0;
  last = 0;
  samples = 0;
  private children: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(readonly pid: number) {}

  start(): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
    return this;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.sample();
  }

  sample(): void {
    // Children (cluster workers) are looked up every 10 samples: reading every /proc/<pid>/stat is not free.
    if (this.ticks++ % 10 === 0) this.children = childPids(this.pid);
    const own = rssBytes(this.pid);
    if (own === undefined) return;
    const total = this.children.reduce((sum, c) => sum + (rssBytes(c) ?? 0), own);
    this.last = total;
    this.peak = Math.max(this.peak, total);
    this.samples++;
  }
}
