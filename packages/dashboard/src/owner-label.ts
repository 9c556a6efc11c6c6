/** Turns an owner (a principal, a session, a connection) into the name the page shows. */
export type OwnerLabel = (owner: string) => string;

const MAX_LABEL = 60;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A random-looking id: a UUID, or 20+ characters of a token alphabet with both letters and digits. */
function opaque(text: string): boolean {
  return UUID.test(text) || (text.length >= 20 && /^[A-Za-z0-9_+/=.-]+$/.test(text) && /\d/.test(text) && /[A-Za-z]/.test(text));
}

function shortId(text: string): string {
  return text.replace(/-/g, '').slice(0, 8);
}

/**
 * The default owner label: `principal:alice` → `alice`; `session:<uuid>` → `session 3f2a91c0`;
 * `connection:<token>` → `connection Qx8k1vZp`; a bare opaque id → its first 8 characters and `…`;
 * anything else as it is (at most 60 characters). The full owner stays in the page's tooltips.
 */
export function defaultOwnerLabel(owner: string): string {
  const colon = owner.indexOf(':');
  if (colon > 0) {
    const scheme = owner.slice(0, colon);
    const rest = owner.slice(colon + 1);
    if (scheme === 'principal' && rest !== '') return clipLabel(rest);
    if (/^[a-z][a-z0-9_-]{0,30}$/i.test(scheme) && opaque(rest)) return `${scheme} ${shortId(rest)}`;
  }
  if (opaque(owner)) return `${shortId(owner)}…`;
  return clipLabel(owner);
}

function clipLabel(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text;
}

/**
 * Wraps a user's `ownerLabel`: its answer is clipped; a throw or a non-string (or empty) answer falls
 * back to the default. Answers are remembered for a bounded number of owners.
 */
export function ownerLabeller(custom: OwnerLabel | undefined, maxCached = 1000): OwnerLabel {
  if (!custom) return defaultOwnerLabel;
  const cache = new Map<string, string>();
  return (owner) => {
    const known = cache.get(owner);
    if (known !== undefined) return known;
    let label: string;
    try {
      const answer = custom(owner);
      label = typeof answer === 'string' && answer.trim() !== '' ? clipLabel(answer.trim()) : defaultOwnerLabel(owner);
    } catch {
      label = defaultOwnerLabel(owner);
    }
    if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
    cache.set(owner, label);
    return label;
  };
}
