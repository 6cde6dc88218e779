import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/http/logger';
import { Writable } from 'node:stream';

describe('configuration', () => {
  it('applies defaults and generates an admin token outside production', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      adminTokenGenerated: true,
      workers: 1,
    });
    expect(c.adminToken.length).toBeGreaterThan(30);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('stops with every problem named', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', ADMIN_TOKEN: 'short' });
      throw new Error('expected ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'ADMIN_TOKEN']) expect(msg).toContain(name);
    }
    expect(() => loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://dir.example.com' })).toThrow(
      /ADMIN_TOKEN: required/,
    );
  });

  it('reads replica URLs as a comma-separated list with a 2 s lag limit, and refuses them without DATABASE_URL', () => {
    expect(loadConfig({}).replicas).toEqual({ urls: [], maxLagMs: 2000 });
    const c = loadConfig({
      DATABASE_URL: 'postgres://p/db',
      DATABASE_REPLICA_URLS: 'postgres://r1/db, postgresql://r2:5433/db,',
      REPLICA_MAX_LAG_MS: '500',
    });
    expect(c.replicas).toEqual({ urls: ['postgres://r1/db', 'postgresql://r2:5433/db'], maxLagMs: 500 });
    expect(() =>
      loadConfig({ DATABASE_URL: 'postgres://p/db', DATABASE_REPLICA_URLS: 'postgres://r1/db,mysql://r2' }),
    ).toThrow(/DATABASE_REPLICA_URLS/);
    expect(() => loadConfig({ DATABASE_REPLICA_URLS: 'postgres://r1/db' })).toThrow(
      /DATABASE_REPLICA_URLS: needs DATABASE_URL/,
    );
  });

  it('keeps the provisioning log 30 days unless told otherwise, and refuses a retention below a day', () => {
    expect(loadConfig({}).scim.logRetentionDays).toBe(30);
    expect(loadConfig({ PROVISIONING_LOG_RETENTION_DAYS: '90' }).scim.logRetentionDays).toBe(90);
    expect(() => loadConfig({ PROVISIONING_LOG_RETENTION_DAYS: '0' })).toThrow(
      /PROVISIONING_LOG_RETENTION_DAYS/,
    );
  });

  it('keeps deleted users and groups restorable 30 days unless told otherwise', () => {
    expect(loadConfig({}).deletedRetentionDays).toBe(30);
    expect(loadConfig({ DELETED_RETENTION_DAYS: '7' }).deletedRetentionDays).toBe(7);
    expect(() => loadConfig({ DELETED_RETENTION_DAYS: '0' })).toThrow(/DELETED_RETENTION_DAYS/);
  });

  it('refuses to start in production without an https PUBLIC_URL, unless told to allow it', () => {
    const prod = { NODE_ENV: 'production', ADMIN_TOKEN: 'a-production-admin-token' };
    for (const PUBLIC_URL of [undefined, 'http://directory.example.com', 'http://10.0.0.5:3000']) {
      const env = { ...prod, ...(PUBLIC_URL ? { PUBLIC_URL } : {}) };
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(/PUBLIC_URL: .*https.*ALLOW_INSECURE_PUBLIC_URL=true/s);
    }
    const insecure = loadConfig({
      ...prod,
      PUBLIC_URL: 'http://10.0.0.5:3000',
      ALLOW_INSECURE_PUBLIC_URL: 'true',
    });
    expect(insecure.publicUrl).toBe('http://10.0.0.5:3000');
    expect(loadConfig({ ...prod, PUBLIC_URL: 'https://directory.example.com' }).publicUrl).toBe(
      'https://directory.example.com',
    );
    expect(() =>
      loadConfig({ ...prod, PUBLIC_URL: 'http://x.example', ALLOW_INSECURE_PUBLIC_URL: 'maybe' }),
    ).toThrow(/ALLOW_INSECURE_PUBLIC_URL/);
  });

  it('warns in development when Entra could not reach PUBLIC_URL, and only then', () => {
    const warning = (env: Record<string, string>) =>
      loadConfig({ NODE_ENV: 'development', ...env }).publicUrlWarning;
    expect(warning({})).toMatch(
      /PUBLIC_URL is not set.*Entra ID needs a public https Provisioning URL.*docs\/deploy\.md/,
    );
    for (const PUBLIC_URL of [
      'https://localhost:3000',
      'https://127.0.0.1',
      'https://[::1]:8443',
      'https://dir.localhost',
    ])
      expect(warning({ PUBLIC_URL })).toMatch(/loopback/);
    expect(warning({ PUBLIC_URL: 'http://dir.example.com' })).toMatch(/not https/);
    expect(warning({ PUBLIC_URL: 'https://dir.example.com' })).toBeUndefined();
    // Tests and production say nothing (production refuses instead).
    expect(loadConfig({ NODE_ENV: 'test' }).publicUrlWarning).toBeUndefined();
  });

  it('trusts proxy headers only when TRUST_PROXY is set', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'always' })).toThrow(/TRUST_PROXY/);
  });

  it('trims a trailing slash from PUBLIC_URL and treats empty variables as unset', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://dir.example.com/', PORT: '' }).publicUrl).toBe(
      'https://dir.example.com',
    );
  });
});

describe('logger', () => {
  it('redacts authorization headers and secrets', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink).child({ requestId: 'r-1' });
    log.info(
      {
        req: { headers: { authorization: 'Bearer s3cret' } },
        scimToken: 'cpd_scim_x',
        body: { password: 'p4ss' },
      },
      'hello',
    );
    const out = lines.join();
    expect(out).toContain('"requestId":"r-1"');
    expect(out).toContain('[redacted]');
    for (const secret of ['s3cret', 'cpd_scim_x', 'p4ss']) expect(out).not.toContain(secret);
  });
});
