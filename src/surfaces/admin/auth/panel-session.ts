// The panel session an action runs in, for a rule that must tell it from the account's other sessions (a password
// set in Admin users ends the account's sessions but the one it was set in). AdminJS gives an action's hooks the
// request (express-session's `sessionID` on it) and its handler and resource methods only the action context, the
// same object for all of them: `rememberPanelSession`, a before-hook, copies the id onto that context.
import type { ActionContext, ActionRequest } from 'adminjs';

const SESSION_ID = 'panelSessionId';

/** A before-hook: the request's session id, on the action context for `panelSessionIdOf`. */
export async function rememberPanelSession(request: ActionRequest, context: ActionContext): Promise<ActionRequest> {
  const sid = (request as { sessionID?: unknown }).sessionID;
  if (typeof sid === 'string') (context as unknown as Record<string, unknown>)[SESSION_ID] = sid;
  return request;
}

/** The session id `rememberPanelSession` put on the context, if it ran. */
export function panelSessionIdOf(context: unknown): string | undefined {
  const sid = (context as Record<string, unknown> | undefined)?.[SESSION_ID];
  return typeof sid === 'string' ? sid : undefined;
}
