// Where GraphiQL keeps its tabs, history and headers. By default nothing reaches localStorage: the
// IDE's state lives in this page's memory only. With "Remember on this device" ticked it is kept in
// localStorage (under its own namespace) so it survives a reload, headers included, except
// credentials that must never sit in a browser's storage: only an API key (`cpd_key_…`) or a JWT
// may stay in an Authorization header; any other bearer value (the operator's ADMIN_TOKEN, which
// can be any string, a session or SCIM secret) is dropped before it is written.
import type { Storage } from '@graphiql/toolkit';

/** This IDE's keys in localStorage; REMEMBER_KEY (the choice itself) exists only while it is on. */
const PREFIX = 'checkproof-ide:';
const REMEMBER_KEY = `${PREFIX}remember`;

/** A bearer value that may be persisted: an API key or a JWT (three base64url parts). */
const PERSISTABLE_BEARER = /^Bearer\s+(cpd_key_[\w-]+|[\w-]+\.[\w-]+\.[\w-]*)\s*$/i;

/**
 * Headers (the header editor's JSON text) with every Authorization value that is not an API key
 * or a JWT removed. Text that is not a JSON object (half-typed) is not persisted at all: it could
 * hold anything.
 */
export function persistableHeaders(text: string): string {
  if (text.trim() === '') return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return '';
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return '';
  const kept = Object.fromEntries(
    Object.entries(parsed as Record<string, unknown>).filter(
      ([name, value]) =>
        name.toLowerCase() !== 'authorization' ||
        (typeof value === 'string' && PERSISTABLE_BEARER.test(value)),
    ),
  );
  return JSON.stringify(kept, null, 2);
}

/** A stored value with every `headers` string in it (tabs, history entries) made persistable. */
function sanitize(key: string, value: string): string {
  if (key.endsWith(':headers')) return persistableHeaders(value);
  if (!value.includes('"headers"')) return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>).map(([k, v]) => [
        k,
        k === 'headers' && typeof v === 'string' ? persistableHeaders(v) : walk(v),
      ]),
    );
  };
  return JSON.stringify(walk(parsed));
}

/** This page's memory: what GraphiQL keeps while "remember" is off (gone on reload). */
const memory = new Map<string, string>();

function memoryStorage(): Storage {
  return {
    getItem: (key) => memory.get(key) ?? null,
    setItem: (key, value) => void memory.set(key, value),
    removeItem: (key) => void memory.delete(key),
    clear: () => memory.clear(),
    get length() {
      return memory.size;
    },
  };
}

function localKeys(): string[] {
  const keys: string[] = [];
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (key?.startsWith(PREFIX) && key !== REMEMBER_KEY) keys.push(key);
  }
  return keys;
}

function deviceStorage(): Storage {
  return {
    getItem: (key) => localStorage.getItem(PREFIX + key),
    setItem: (key, value) => localStorage.setItem(PREFIX + key, sanitize(key, value)),
    removeItem: (key) => localStorage.removeItem(PREFIX + key),
    clear: () => localKeys().forEach((k) => localStorage.removeItem(k)),
    get length() {
      return localKeys().length;
    },
  };
}

function readRemember(): boolean {
  try {
    return localStorage.getItem(REMEMBER_KEY) === 'true';
  } catch {
    return false; // storage blocked (private mode, policy): memory only
  }
}

/** Whether this device keeps the IDE's state (the user ticked "Remember on this device"). */
export function remembered(): boolean {
  return readRemember();
}

const memoryStore = memoryStorage();
const deviceStore = deviceStorage();

/**
 * The storage GraphiQL is given, once: each call goes to this device or to memory as "remember"
 * now says. The IDE is not remounted when the choice changes, so a write GraphiQL still has
 * pending (it stores tabs and headers a moment after each edit) lands where the choice sends it
 * and nothing typed is lost.
 */
export const ideStorage: Storage = {
  getItem: (key) => (readRemember() ? deviceStore : memoryStore).getItem(key),
  setItem: (key, value) => (readRemember() ? deviceStore : memoryStore).setItem(key, value),
  removeItem: (key) => (readRemember() ? deviceStore : memoryStore).removeItem(key),
  clear: () => (readRemember() ? deviceStore : memoryStore).clear(),
  get length() {
    return (readRemember() ? deviceStore : memoryStore).length;
  },
};

/**
 * Turns remembering on (the page's current state is copied to this device, credentials
 * removed) or off (the device's copy moves back into memory and is deleted from the device).
 */
export function setRemember(on: boolean): void {
  if (on) {
    const device = deviceStorage();
    for (const [key, value] of memory) device.setItem(key, value);
    memory.clear();
    localStorage.setItem(REMEMBER_KEY, 'true');
  } else {
    for (const key of localKeys()) {
      const value = localStorage.getItem(key);
      if (value !== null) memory.set(key.slice(PREFIX.length), value);
      localStorage.removeItem(key);
    }
    localStorage.removeItem(REMEMBER_KEY);
  }
}
