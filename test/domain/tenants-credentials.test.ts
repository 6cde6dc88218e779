import { createTestDatabase, type TestDatabase } from '../support/db';
import { buildTenant, operatorContext, uniq } from '../support/factories';
import { createTenant, findTenant, listTenants } from '../../src/domain/tenants/tenant.service';
import {
  authenticateSecret,
  issueCredential,
  listCredentials,
  revokeCredential,
  touchCredential,
} from '../../src/domain/credentials/credential.service';
import { hashSecret, secretMatches } from '../../src/domain/credentials/secrets';
import { query, sql } from '../../src/domain/sql';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.drop());

describe('tenants', () => {
  it('creates a tenant with a SCIM token, lists and finds it, and audits the creation', async () => {
    const slug = uniq('acme');
    const { tenant, scimToken } = await createTenant(operatorContext(db.em()), { slug, name: ' Acme ' });
    expect(tenant).toMatchObject({ slug, name: 'Acme' });
    expect((await listTenants(operatorContext(db.em()))).map((t) => t.slug)).toContain(slug);
    expect(await findTenant(operatorContext(db.em()), tenant.id)).toEqual(tenant);
    expect(await findTenant(operatorContext(db.em()), 'nope')).toBeNull();
    expect((await authenticateSecret(db.em(), 'SCIM_TOKEN', scimToken, tenant.id))?.tenantId).toBe(tenant.id);
    const audit = await query(
      db.em(),
      sql`select action from audit_event where tenant_id = ${tenant.id} order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['tenant.created', 'scim_token.created']);
  });

  it('rejects a taken slug and malformed slugs or names, creating nothing', async () => {
    const slug = uniq('dup');
    await createTenant(operatorContext(db.em()), { slug, name: 'A' });
    await expect(
      createTenant(operatorContext(db.em()), { slug: slug.toUpperCase(), name: 'B' }),
    ).rejects.toMatchObject({
      code: 'TENANT_SLUG_TAKEN',
    });
    for (const bad of ['', '-x', 'a b', 'x'.repeat(64), 'ä']) {
      await expect(createTenant(operatorContext(db.em()), { slug: bad, name: 'A' })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
    await expect(
      createTenant(operatorContext(db.em()), { slug: uniq('n'), name: '  ' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const rows = await query(db.em(), sql`select count(*)::int as n from tenant where slug = ${slug}`);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('credentials', () => {
  it('stores only a hash and prefix, authenticates in its tenant only, and stops after revocation', async () => {
    const a = await buildTenant(db);
    const b = await buildTenant(db);
    const issued = await issueCredential(operatorContext(db.em()), a.tenant.id, 'API_KEY', 'ci', [
      'DIRECTORY_READ',
    ]);
    expect(issued.secret).toMatch(/^cpd_key_/);
    const stored = await query<{ secret_hash: string; prefix: string }>(
      db.em(),
      sql`select secret_hash, prefix from credential where id = ${issued.credential.id}`,
    );
    expect(stored[0]!.secret_hash).toBe(hashSecret(issued.secret));
    expect(issued.secret.startsWith(stored[0]!.prefix)).toBe(true);
    expect((await authenticateSecret(db.em(), 'API_KEY', issued.secret))?.scopes).toEqual(['DIRECTORY_READ']);
    expect(await authenticateSecret(db.em(), 'API_KEY', issued.secret, b.tenant.id)).toBeNull();
    expect(await authenticateSecret(db.em(), 'SCIM_TOKEN', issued.secret)).toBeNull();
    expect(await authenticateSecret(db.em(), 'API_KEY', `${issued.secret}x`)).toBeNull();
    expect(await authenticateSecret(db.em(), 'API_KEY', '')).toBeNull();

    await touchCredential(db.em(), issued.credential.id);
    const [listed] = await listCredentials(db.em(), a.tenant.id, 'API_KEY');
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);

    await revokeCredential(operatorContext(db.em()), a.tenant.id, 'API_KEY', issued.credential.id);
    expect(await authenticateSecret(db.em(), 'API_KEY', issued.secret)).toBeNull();
    await expect(
      revokeCredential(operatorContext(db.em()), b.tenant.id, 'API_KEY', issued.credential.id),
    ).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
    });
    await expect(
      revokeCredential(operatorContext(db.em()), a.tenant.id, 'API_KEY', 'x'),
    ).rejects.toMatchObject({
      code: 'CREDENTIAL_NOT_FOUND',
    });
  });

  it('keeps two SCIM tokens valid at once (rotation without downtime)', async () => {
    const { tenant, scimToken } = await buildTenant(db);
    const second = await issueCredential(operatorContext(db.em()), tenant.id, 'SCIM_TOKEN', 'rotation');
    expect(await authenticateSecret(db.em(), 'SCIM_TOKEN', scimToken, tenant.id)).not.toBeNull();
    expect(await authenticateSecret(db.em(), 'SCIM_TOKEN', second.secret, tenant.id)).not.toBeNull();
  });

  it('compares secrets against hashes in constant time and rejects malformed hashes', () => {
    expect(secretMatches('abc', hashSecret('abc'))).toBe(true);
    expect(secretMatches('abd', hashSecret('abc'))).toBe(false);
    expect(secretMatches('abc', 'short')).toBe(false);
  });
});
