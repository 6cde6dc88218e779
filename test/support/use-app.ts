import { startTestApp, type TestApp } from './app';
import { createTestDatabase, type TestDatabase } from './db';
import { scimTenant, type ScimClient } from './scim';

type Env = Record<string, string>;

export interface TestAppOptions<T> {
  /** Configuration beyond the test defaults; a function when it is known only once earlier hooks ran. */
  env?: Env | (() => Env);
  /** Makes the tenant the tests act in, once the app runs. */
  tenant?: (app: TestApp, db: TestDatabase) => Promise<T>;
  /** Runs in afterAll before the app closes and the database is dropped (to end the file's own clients). */
  beforeClose?: () => Promise<void>;
}

export interface TestAppFixture<T> {
  db: TestDatabase;
  app: TestApp;
  tenant: T;
}

/**
 * Registers beforeAll/afterAll (in the describe block it is called in) that start the real app on
 * a database of its own, make the tenant if asked, and tear everything down. The returned handles
 * stand for what beforeAll makes: use them in hooks and tests, not while the file is being collected.
 */
export function useTestApp<T extends object = never>(options: TestAppOptions<T> = {}): TestAppFixture<T> {
  const db = late<TestDatabase>('db');
  const app = late<TestApp>('app');
  const tenant = late<T>('tenant');
  beforeAll(async () => {
    db.set(await createTestDatabase());
    const env = typeof options.env === 'function' ? options.env() : options.env;
    app.set(await startTestApp(db.ref, env));
    if (options.tenant) tenant.set(await options.tenant(app.ref, db.ref));
  });
  afterAll(async () => {
    try {
      await options.beforeClose?.();
    } finally {
      try {
        if (app.isSet()) await app.ref.close();
      } finally {
        if (db.isSet()) await db.ref.drop();
      }
    }
  });
  return { db: db.ref, app: app.ref, tenant: tenant.ref };
}

/** useTestApp with a SCIM tenant: its Provisioning URL and Secret Token, made through the operator API. */
export function useScimApp(options: Omit<TestAppOptions<ScimClient>, 'tenant'> = {}): {
  db: TestDatabase;
  app: TestApp;
  scim: ScimClient;
} {
  const { db, app, tenant } = useTestApp({ ...options, tenant: scimTenant });
  return { db, app, scim: tenant };
}

/**
 * A stand-in for a value beforeAll makes: property reads (and method calls) go to the value once it
 * is set, and fail with a clear message before.
 */
function late<T extends object>(name: string): { ref: T; set(value: T): void; isSet(): boolean } {
  let target: T | undefined;
  const ref = new Proxy({} as T, {
    get(_, prop) {
      if (target === undefined) throw new Error(`The test app's ${name} is used before beforeAll made it`);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return {
    ref,
    set: (value) => {
      target = value;
    },
    isSet: () => target !== undefined,
  };
}
