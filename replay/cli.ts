import { HELP, UsageError, parseOptions } from './options';
import { runReplay } from './run';

/** `npm run replay -- …`: parses the arguments, runs, maps Ctrl-C to a clean stop that saves the state. */
async function main(argv: string[]): Promise<number> {
  let opts;
  try {
    opts = parseOptions(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`replay: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (opts === 'help') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (!controller.signal.aborted) {
      process.stderr.write(
        '\nStopping: finishing the requests in flight and saving the state (Ctrl-C again quits now).\n',
      );
      controller.abort();
      return;
    }
    // The state on disk is at most 5 s old; resent creates find their user through the filter first.
    process.exit(130);
  });
  const result = await runReplay(opts, {
    out: (line) => process.stdout.write(`${line}\n`),
    progress: process.stderr.isTTY ? 'bar' : 'lines',
    signal: controller.signal,
  });
  return result.exitCode;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`replay: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
