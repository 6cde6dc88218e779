import cliProgress from 'cli-progress';

/**
 * Objects done, rate and ETA of the phase running: a cli-progress bar on a terminal, a plain line
 * every 5 s otherwise (a log file or CI), nothing when off.
 */
export class Progress {
  private bar: cliProgress.SingleBar | undefined;
  private timer: NodeJS.Timeout | undefined;
  private label = '';
  private total = 0;
  private done = 0;
  private first = 0;
  private started = 0;

  constructor(
    private readonly mode: 'bar' | 'lines' | 'off',
    private readonly stream: NodeJS.WritableStream = process.stderr,
  ) {}

  start(label: string, total: number, done: number): void {
    this.stop();
    Object.assign(this, { label, total, done, first: done, started: performance.now() });
    if (this.mode === 'bar') {
      this.bar = new cliProgress.SingleBar(
        {
          format: '{label} |{bar}| {value}/{total} | {rate}/s | ETA {eta_formatted} | {duration_formatted}',
          stream: this.stream,
          hideCursor: true,
          etaBuffer: 500,
          fps: 5,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(total, done, { label: label.padEnd(18), rate: '0' });
    } else if (this.mode === 'lines') {
      this.timer = setInterval(() => this.stream.write(`${this.line()}\n`), 5000);
      this.timer.unref();
    }
  }

  increment(): void {
    this.done++;
    this.bar?.update(this.done, { rate: this.rate().toFixed(0) });
  }

  stop(): void {
    if (this.bar) {
      this.bar.update(this.done, { rate: this.rate().toFixed(0) });
      this.bar.stop();
      this.bar = undefined;
    }
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.stream.write(`${this.line()}\n`);
    }
  }

  private rate(): number {
    const s = (performance.now() - this.started) / 1000;
    return s > 0 ? (this.done - this.first) / s : 0;
  }

  private line(): string {
    const rate = this.rate();
    const eta = rate > 0 ? `${Math.round((this.total - this.done) / rate)} s` : '?';
    const pct = this.total > 0 ? ((100 * this.done) / this.total).toFixed(1) : '100';
    return `${this.label}: ${this.done}/${this.total} (${pct} %), ${rate.toFixed(0)}/s, ETA ${eta}`;
  }
}
