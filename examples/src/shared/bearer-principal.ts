import type { IncomingMessage } from 'node:http';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

/**
 * `Authorization: Bearer <name>` names the caller: a stand-in for real authentication (put your
 * OAuth verification here). Headway then binds tasks to that name instead of the MCP session, so
 * the same caller can follow a task from another session, another replica, or another CLI run.
 * Loopback examples only: anyone who can reach the port can claim any name.
 */
export function withBearerPrincipal(req: IncomingMessage): IncomingMessage {
  const name = /^Bearer ([\w.-]{1,64})$/.exec(req.headers.authorization ?? '')?.[1];
  if (name) (req as IncomingMessage & { auth?: AuthInfo }).auth = { token: name, clientId: 'example', scopes: [], extra: { sub: name } };
  return req;
}
