import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** JSON logs; credentials and secrets are redacted wherever they appear in a logged object. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'checkproof-directory' },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        '*.authorization',
        'scimToken',
        'secret',
        'password',
        '*.password',
        '*.secret',
        '*.scimToken',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
