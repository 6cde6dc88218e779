import { BlockList, isIP } from 'node:net';

/**
 * Addresses a webhook may not reach (docs/changes.md, "SSRF"): this host, private networks, link
 * local (cloud metadata lives at 169.254.169.254), unspecified, multicast and reserved ranges. A
 * tenant administrator must not be able to make the service call into its own network.
 */
const FORBIDDEN = (() => {
  const b = new BlockList();
  for (const [net, bits] of [
    ['0.0.0.0', 8], // "this network", including 0.0.0.0
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // carrier-grade NAT
    ['127.0.0.0', 8],
    ['169.254.0.0', 16],
    ['172.16.0.0', 12],
    ['192.0.0.0', 24],
    ['192.168.0.0', 16],
    ['198.18.0.0', 15],
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, and 255.255.255.255
  ] as const)
    b.addSubnet(net, bits, 'ipv4');
  for (const [net, bits] of [
    ['::', 128], // unspecified
    ['::1', 128],
    ['fc00::', 7], // unique local
    ['fe80::', 10], // link local
    ['ff00::', 8], // multicast
    ['64:ff9b::', 96], // NAT64 (maps IPv4, private ones included)
  ] as const)
    b.addSubnet(net, bits, 'ipv6');
  return b;
})();

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** Whether an IP address (v4 or v6, IPv4-mapped included) is one webhooks may not reach. */
export function isForbiddenAddress(address: string): boolean {
  const mapped = MAPPED_V4.exec(address);
  if (mapped) return FORBIDDEN.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return FORBIDDEN.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why a URL cannot be a webhook target, or null when it can: http or https only, no credentials
 * in it, and (unless private targets are allowed) no forbidden IP literal. Host names are checked
 * again against the addresses they resolve to, at connect time.
 */
export function webhookUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (raw.length > 2048) return 'is longer than 2048 characters';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host))
    return 'points at a loopback, private, link-local or multicast address';
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost')))
    return 'points at this host (localhost)';
  return null;
}
