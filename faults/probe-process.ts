import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';

/**
 * Polls a URL from a process of its own, so the latencies it reports are the service's and not
 * the load generator's: one Node process driving 2,000 sockets lags by a second itself.
 */
export class ProbeProcess {
  private readonly child: ChildProcess;
  private readonly done: Promise<ProbeSample[]>;

  constructor(url: string, everyMs = 100, timeoutMs = 5000, headers: Record<string, string> = {}) {
    const args = ['--probe', url, String(everyMs), String(timeoutMs), JSON.stringify(headers)];
    this.child = fork(__filename, args, {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.done = new Promise((resolve, reject) => {
      this.child.once('message', (m) => resolve(m as ProbeSample[]));
      this.child.once('exit', (code) => code !== 0 && reject(new Error(`probe exited with ${code}`)));
    });
  }

  /** Stops polling and returns every sample (start and end in ms since the probe began, status). */
  async stop(): Promise<ProbeSample[]> {
    this.child.send('stop');
    return this.done;
  }
}

export interface ProbeSample {
  ms: number;
  status: number | string;
}

async function runProbe(
  url: string,
  everyMs: number,
  timeoutMs: number,
  headers: Record<string, string>,
): Promise<void> {
  const samples: ProbeSample[] = [];
  let stopped = false;
  process.on('message', () => (stopped = true));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (!stopped) {
    const t0 = performance.now();
    const status = await new Promise<number | string>((resolve) => {
      const req = http.get(url, { agent, headers, timeout: timeoutMs }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    samples.push({ ms: performance.now() - t0, status });
    const wait = everyMs - (performance.now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  agent.destroy();
  process.send!(samples, () => process.exit(0));
}

if (process.argv[2] === '--probe') {
  void runProbe(
    process.argv[3]!,
    Number(process.argv[4]),
    Number(process.argv[5]),
    JSON.parse(process.argv[6] ?? '{}') as Record<string, string>,
  );
}
