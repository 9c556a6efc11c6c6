// Who owns a task, in every mode and both protocol generations (README, "Owners"):
// - the owner function of the server author, when it names one;
// - else the authenticated principal (the token's subject);
// - else, on stdio, the one local owner (the same after a restart: the client is the user's own);
// - else (HTTP without authentication) one anonymous owner: a task id (128 random bits) is then a
//   bearer capability, and listing is off, since callers cannot be told apart.
// Another owner's task answers exactly like a missing one (the manager reads are owner-scoped).

/** What an owner function sees of a request. */
export interface OwnerRequest {
  /** Validated authentication of the request (from the host's token check), if any. */
  readonly authInfo?: { readonly clientId?: string; readonly scopes?: readonly string[]; readonly extra?: Readonly<Record<string, unknown>> } | undefined;
  /** `modern` (2026-07-28) or `legacy` (2025-11-25). */
  readonly era: 'legacy' | 'modern';
  readonly transport: OwnerTransport;
  /** The HTTP request's headers (lower-case names), when served over HTTP. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>> | undefined;
}

export type OwnerTransport = 'http' | 'stdio';

/** Names the owner of a request's tasks; undefined falls back to the rule. */
export type OwnerFunction = (request: OwnerRequest) => string | undefined;

export interface TaskOwner {
  readonly owner: string;
  /** Whether callers are told apart (listing is offered only then). */
  readonly distinct: boolean;
}

export const LOCAL_OWNER = 'local';
export const ANONYMOUS_OWNER = 'anonymous';

/**
 * The owner of a request's tasks. `principal` (SDK v1's `principal` option) picks the principal
 * out of `authInfo`; by default the token's subject (`authInfo.extra.sub`), never the client id,
 * which names an application many users may share.
 */
export function taskOwner(request: OwnerRequest, ownerFn: OwnerFunction | undefined, principal?: (authInfo: NonNullable<OwnerRequest['authInfo']>) => string | undefined): TaskOwner {
  const named = ownerFn?.(request);
  if (typeof named === 'string' && named.length > 0) return { owner: `principal:${named}`, distinct: true };
  const auth = request.authInfo;
  const sub = auth ? (principal ? principal(auth) : auth.extra?.['sub']) : undefined;
  if (typeof sub === 'string' && sub.length > 0) return { owner: `principal:${sub}`, distinct: true };
  if (request.transport === 'stdio') return { owner: LOCAL_OWNER, distinct: true };
  return { owner: ANONYMOUS_OWNER, distinct: false };
}

/** The startup note of a server whose callers cannot be told apart. */
export const BEARER_NOTE =
  '@headway/mcp: this HTTP server has no owner function and may serve unauthenticated requests: for those, a task id is a bearer capability (128 random bits) and task listing is off.';
