import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { codeOf, useGqlApp } from './support';

let jwks: Server;
let jwksUrl = '';
let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const port = (jwks.address() as { port: number }).port;
  jwksUrl = `http://127.0.0.1:${port}/.well-known/jwks.json`;
});
// The app starts once the JWKS server above listens (hooks run in the order they are declared).
const { app, t } = useGqlApp({ env: () => ({ JWT_JWKS_URL: jwksUrl, JWT_TENANT_CLAIM: 'org' }) });
afterAll(async () => {
  await new Promise((resolve) => jwks.close(resolve));
});

describe('JWTs verified against a remote JWKS', () => {
  it('accepts a token signed by a published key, with the tenant from the configured claim', async () => {
    const token = await new SignJWT({ org: t.tenantId, scope: 'DIRECTORY_READ' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('frontend-user')
      .setExpirationTime('5m')
      .sign(privateKey);
    const { body } = await app.graphql(`{ viewer { kind tenantId } }`, {}, token);
    expect(body.data!.viewer).toEqual({ kind: 'JWT', tenantId: t.tenantId });
  });

  it('rejects HS256 tokens and unknown keys when a JWKS is configured', async () => {
    const hs = await new SignJWT({ org: t.tenantId, scope: 'DIRECTORY_READ' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(40)));
    expect(codeOf((await app.graphql(`{ viewer { kind } }`, {}, hs)).body)).toBe('UNAUTHENTICATED');
    const other = (await generateKeyPair('RS256')).privateKey;
    const unknown = await new SignJWT({ org: t.tenantId })
      .setProtectedHeader({ alg: 'RS256', kid: 'k2' })
      .setExpirationTime('5m')
      .sign(other);
    expect(codeOf((await app.graphql(`{ viewer { kind } }`, {}, unknown)).body)).toBe('UNAUTHENTICATED');
  });
});
