// An action with no page of its own (component: false) is a button: AdminJS asks its guard question, if any, and
// then calls the action's API route with GET. Only the built-in delete is sent as a POST (adminjs 7,
// lib/frontend/interfaces/action/call-action-api.js). So for a button the GET is the click: its handler acts
// on any method, and never treats a GET as "show the form". The panel's CSRF check covers GET /admin/api for
// that reason (auth/csrf.ts). An action that needs a payload is not a button: its own component POSTs it.
import type { Action, ActionResponse } from 'adminjs';

type ButtonOptions = Omit<Partial<Action<ActionResponse>>, 'component'> & Required<Pick<Action<ActionResponse>, 'actionType' | 'handler'>>;

export function buttonAction(options: ButtonOptions): Partial<Action<ActionResponse>> {
  return { ...options, component: false };
}
