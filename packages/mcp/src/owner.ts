import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { taskOwner } from './owner-rule.js';
import type { OwnerFunction } from './owner-rule.js';
import type { McpExtra } from './types.js';

/** Picks the principal out of a request's `authInfo`; undefined means "not authenticated". */
export type PrincipalResolver = (authInfo: AuthInfo) => string | undefined;

/**
 * Default principal: the token's subject (`authInfo.extra.sub`), which the token verifier puts there.
 * Not the client id: that names the application, which many users may share.
 */
export const defaultPrincipal: PrincipalResolver = (authInfo) => {
  const sub = authInfo.extra?.['sub'];
  return typeof sub === 'string' && sub.length > 0 ? sub : undefined;
};

/** Who is calling: the owner its tasks are bound to, and whether that owner tells callers apart. */
export interface Caller {
  readonly owner: string;
  /** False for unauthenticated HTTP: a task id is then a bearer capability, and listing is off. */
  readonly distinct: boolean;
  /** Key for per-session state such as the logging level. */
  readonly sessionKey: string;
}

/**
 * The owner rule of README "Owners", on SDK v1: an HTTP request carries `requestInfo`, so one
 * without it (stdio, in-memory) is the one local client.
 */
export class OwnerResolver {
  constructor(
    private readonly principal: PrincipalResolver,
    private readonly ownerFn?: OwnerFunction,
    private readonly onAnonymousHttp?: () => void,
  ) {}

  of(extra: Pick<McpExtra, 'authInfo' | 'sessionId' | 'requestInfo'>): Caller {
    const transport = extra.requestInfo ? 'http' : 'stdio';
    const headers = extra.requestInfo?.headers as Record<string, string | string[] | undefined> | undefined;
    const { owner, distinct } = taskOwner({ authInfo: extra.authInfo, era: 'legacy', transport, headers }, this.ownerFn, this.principal as (auth: unknown) => string | undefined);
    if (!distinct) this.onAnonymousHttp?.();
    return { owner, distinct, sessionKey: extra.sessionId !== undefined ? `session:${extra.sessionId}` : `owner:${owner}` };
  }
}
