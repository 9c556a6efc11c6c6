import { randomBytes } from 'node:crypto';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { McpExtra } from './types.js';

/** Picks the principal out of a request's `authInfo`; undefined means "not authenticated". */
export type PrincipalResolver = (authInfo: AuthInfo) => string | undefined;

/**
 * Default principal: the token's subject (`authInfo.extra.sub`), which the token verifier puts there.
 * Not the client id: that names the application, which many users may share. Without a subject the
 * caller is bound to its session; pass `principal` to bind by something else.
 */
export const defaultPrincipal: PrincipalResolver = (authInfo) => {
  const sub = authInfo.extra?.['sub'];
  return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
};

/** Who is calling: the owner its tasks are bound to, and whether that owner tells callers apart. */
export interface Caller {
  readonly owner: string;
  /** False when there is neither an authenticated principal nor a session (e.g. stateless HTTP, stdio). */
  readonly distinct: boolean;
  /** Key for per-session state such as the logging level. */
  readonly sessionKey: string;
}

/**
 * Owner = the authenticated principal when there is one, else the transport session, else this
 * connection (one McpServer instance). Prefixes keep the three spaces from colliding.
 */
export class OwnerResolver {
  // Callers on a connection without session or auth cannot be told apart; they share this owner.
  private readonly connectionOwner = `connection:${randomBytes(16).toString('base64url')}`;

  constructor(private readonly principal: PrincipalResolver) {}

  of(extra: Pick<McpExtra, 'authInfo' | 'sessionId'>): Caller {
    const sessionKey = extra.sessionId !== undefined ? `session:${extra.sessionId}` : this.connectionOwner;
    if (extra.authInfo) {
      const principal = this.principal(extra.authInfo);
      if (typeof principal === 'string' && principal.length > 0) {
        return { owner: `principal:${principal}`, distinct: true, sessionKey };
      }
    }
    if (extra.sessionId !== undefined) return { owner: sessionKey, distinct: true, sessionKey };
    return { owner: this.connectionOwner, distinct: false, sessionKey };
  }
}
