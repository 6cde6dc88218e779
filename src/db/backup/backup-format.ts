import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * The backup file (ADR 0016): one gzip stream holding a magic line and then frames, each a type
 * byte, a 4-byte big-endian length and that many bytes:
 *
 *   M  the manifest (JSON): format, schema version (applied migrations), tables and their columns
 *   T  a table begins (JSON: its name)
 *   D  a chunk of that table's rows in PostgreSQL's COPY text format
 *   E  the table ends (JSON: rows and bytes written)
 *   Z  the trailer (JSON: every table's rows): its absence means the file was cut short
 *
 * gzip's own CRC covers the whole stream, so a damaged file fails to read rather than restoring
 * something else.
 */
export const MAGIC = Buffer.from('CHECKPROOF-DIRECTORY-BACKUP\n', 'utf8');
export const FORMAT_VERSION = 1;

export type FrameType = 'M' | 'T' | 'D' | 'E' | 'Z';

export interface Frame {
  type: FrameType;
  payload: Buffer;
}

export interface BackupManifest {
  format: 'checkproof-directory-backup';
  formatVersion: number;
  createdAt: string;
  /** The source server's version string (server_version), for the reader's information only. */
  serverVersion: string;
  /** Migrations applied to the source, in order: the schema version the rows fit. */
  migrations: string[];
  /**
   * The source's next transaction id when the snapshot was taken. Change events and webhook
   * cursors carry transaction ids (xid8); a restore first moves the target's counter past this so
   * they keep their order and every new event sorts after them.
   */
  nextTxid: string;
  /** In load order: a table comes after every table its foreign keys point to. */
  tables: Array<{ name: string; columns: string[]; sequences: SequencePosition[] }>;
}

export interface SequencePosition {
  column: string;
  lastValue: string;
  isCalled: boolean;
}

export interface TableEnd {
  table: string;
  rows: number;
  bytes: number;
}

export interface BackupTrailer {
  tables: TableEnd[];
}

/** A restore (or backup) this tool will not do, with the reason for the operator (exit code 3). */
export class RefusedError extends Error {
  override name = 'RefusedError';
}

/** The input is not a backup this code can read. */
export class NotABackupError extends RefusedError {
  override name = 'NotABackupError';
}

/** Writes frames to a (gzip) stream, waiting when it is full. */
export class FrameWriter {
  constructor(private readonly out: Writable) {}

  async start(): Promise<void> {
    await this.write(MAGIC);
  }

  async frame(type: FrameType, payload: Buffer): Promise<void> {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeUInt32BE(payload.length, 1);
    await this.write(head);
    if (payload.length > 0) await this.write(payload);
  }

  async json(type: FrameType, value: unknown): Promise<void> {
    await this.frame(type, Buffer.from(JSON.stringify(value), 'utf8'));
  }

  private async write(buf: Buffer): Promise<void> {
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }
}

const TYPES = new Set<string>(['M', 'T', 'D', 'E', 'Z']);

/** Reads the frames of a backup file's (compressed) bytes, in order. */
export async function* readFrames(compressed: Readable): AsyncGenerator<Frame> {
  const gunzip = createGunzip();
  compressed.on('error', (err) => gunzip.destroy(err));
  compressed.pipe(gunzip);
  let pending: Buffer = Buffer.alloc(0);
  let sawMagic = false;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!sawMagic) {
        if (pending.length < MAGIC.length) continue;
        if (!pending.subarray(0, MAGIC.length).equals(MAGIC)) throw new NotABackupError('not a backup file');
        pending = pending.subarray(MAGIC.length);
        sawMagic = true;
      }
      while (pending.length >= 5) {
        const type = pending.toString('latin1', 0, 1);
        if (!TYPES.has(type)) throw new NotABackupError('the backup file is damaged (unknown frame)');
        const length = pending.readUInt32BE(1);
        if (pending.length < 5 + length) break;
        yield { type: type as FrameType, payload: pending.subarray(5, 5 + length) };
        pending = pending.subarray(5 + length);
      }
    }
  } catch (err) {
    if (err instanceof NotABackupError) throw err;
    const code = (err as { code?: string }).code;
    if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
      throw new NotABackupError(`not a backup file, or a damaged one (${(err as Error).message})`);
    }
    throw err;
  } finally {
    gunzip.destroy();
  }
  if (!sawMagic) throw new NotABackupError('not a backup file');
  if (pending.length > 0) throw new NotABackupError('the backup file is cut short');
}

/** Parses a JSON frame. */
export function parseJson<T>(frame: Frame): T {
  try {
    return JSON.parse(frame.payload.toString('utf8')) as T;
  } catch {
    throw new NotABackupError(`the backup file is damaged (frame ${frame.type} is not JSON)`);
  }
}
