import { Client } from 'pg';

export interface NotificationLog {
  warn(obj: object, msg?: string): void;
}

export interface NotificationListener {
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

export interface ListenOptions {
  url: string;
  channel: string;
  onNotice: (payload: string) => void;
  /** Called with true once listening, with false whenever notices may be missed (until it is again). */
  onListening: (listening: boolean) => void;
  log: NotificationLog;
  /** First reconnect delay; doubles up to 30 s. */
  retryMs?: number;
  /** The connection's application_name (pg_stat_activity), to tell listeners apart. */
  applicationName?: string;
}

/**
 * LISTENs on a PostgreSQL channel over a connection of its own, reconnecting with backoff. A
 * pooled connection cannot hold a LISTEN (it is shared and may be recycled), and pg's Client is the
 * one driver object that delivers NOTIFY messages.
 */
export function listenForNotices(opts: ListenOptions): NotificationListener {
  const { url, channel, onNotice, onListening, log } = opts;
  const firstRetry = opts.retryMs ?? 1000;
  let retry = firstRetry;
  let closed = false;
  let client: Client | undefined;
  let timer: NodeJS.Timeout | undefined;

  const lost = (err: unknown) => {
    onListening(false);
    const dead = client;
    client = undefined;
    dead?.removeAllListeners();
    dead?.on('error', () => undefined);
    dead?.end().catch(() => undefined);
    if (closed) return;
    log.warn(
      { err: String(err), channel, retryMs: retry },
      'lost the database notification channel; retrying',
    );
    timer = setTimeout(connect, retry);
    timer.unref();
    retry = Math.min(retry * 2, 30_000);
  };

  const connect = () => {
    if (closed) return;
    const c = new Client({
      connectionString: url,
      application_name: opts.applicationName ?? 'checkproof-directory-listener',
    });
    client = c;
    c.on('error', lost);
    c.on('end', () => {
      if (client === c) lost(new Error('connection ended'));
    });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onNotice(n.payload);
    });
    c.connect()
      .then(() => c.query(`listen "${channel.replace(/"/g, '""')}"`))
      .then(() => {
        if (client !== c) return;
        retry = firstRetry;
        onListening(true);
      })
      .catch((err: unknown) => {
        if (client === c) lost(err);
      });
  };

  onListening(false);
  connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      onListening(false);
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}
