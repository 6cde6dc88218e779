/**
 * Resolves once `probe` holds, asking again every `intervalMs`; fails, naming `what`, after
 * `timeoutMs`. For work a request leaves running after its response (a write off the request path).
 */
export async function until(
  what: string,
  probe: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 10 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
