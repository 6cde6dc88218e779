/** Date and time in the browser's locale, e.g. "7 Dec 2026, 14:05". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Time of day with seconds, for log rows. */
export function timeOfDay(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** HH:MM, 24-hour. */
export function hoursMinutes(iso: string): string {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** "12s ago", "5 min ago", "3 h ago", "2 days ago". */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - new Date(iso).getTime()) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const days = Math.floor(s / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function percent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)} %`;
}

/** Who an audit actor is, as a person reads it: "scim:5b0c…" → "Entra (SCIM token)". */
export function actorLabel(actor: string): string {
  const [kind = ''] = actor.split(':', 1);
  switch (kind) {
    case 'scim':
      return 'Entra (SCIM token)';
    case 'apiKey':
      return 'API key';
    case 'jwt':
      return 'App (JWT)';
    case 'session':
      return 'Console';
    case 'operator':
      return 'Operator';
    case 'system':
      return 'System';
    default:
      return actor;
  }
}

/** A Date as the value of an <input type="datetime-local"> (local time, to the minute). */
export function localInputValue(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
