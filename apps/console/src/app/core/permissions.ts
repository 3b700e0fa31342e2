import type { McpServerView, Role } from '@omni2/contracts';
import { roleAtLeast } from '@omni2/contracts';

/** What an operator can do to a server from the console. */
export type ServerAction =
  | 'check'
  | 'reload'
  | 'enable'
  | 'disable'
  | 'reset'
  | 'execute'
  | 'read_resource'
  | 'get_prompt'
  | 'edit'
  | 'delete'
  | 'authorize'
  | 'forget_tokens';

/**
 * SPEC §6: operators check, reload, enable/disable, reset, run tools, read resources and render
 * prompts; admins also edit. SPEC §11: operators authorize an OAuth server (authorization code
 * grant); admins also make it forget its tokens.
 */
export const REQUIRED_ROLE: Readonly<Record<ServerAction, Role>> = {
  check: 'operator',
  reload: 'operator',
  enable: 'operator',
  disable: 'operator',
  reset: 'operator',
  execute: 'operator',
  read_resource: 'operator',
  get_prompt: 'operator',
  edit: 'admin',
  delete: 'admin',
  authorize: 'operator',
  forget_tokens: 'admin',
};

const WHAT: Readonly<Record<ServerAction, string>> = {
  check: 'Run a health check now',
  reload: 'Reconnect, refetch capabilities and check',
  enable: 'Enable: counters cleared, checked at once',
  disable: 'Disable: checks stop and the session closes',
  reset: 'Close the circuit and check at once',
  execute: 'Run a tool on this server',
  read_resource: 'Read this resource from the server',
  get_prompt: 'Render this prompt on the server',
  edit: 'Edit the configuration',
  delete: 'Delete this server',
  authorize: 'Authorize omni2 at the server’s authorization server (opens a new tab)',
  forget_tokens: 'Forget the OAuth tokens: the server needs authorizing again after its next check',
};

export interface Availability {
  enabled: boolean;
  /** Tooltip: what the action does, or why it is unavailable. */
  reason: string;
}

type ServerState = Pick<
  McpServerView,
  'status' | 'circuit_state' | 'disabled_reason' | 'oauth_grant'
>;

/** Whether `action` is available on `server` for `role`, and the tooltip saying why. */
export function availability(
  action: ServerAction,
  server: ServerState,
  role: Role | null,
): Availability {
  const required = REQUIRED_ROLE[action];
  if (role === null || !roleAtLeast(role, required)) {
    return {
      enabled: false,
      reason: `Needs the ${required} role (you are ${role ?? 'signed out'})`,
    };
  }
  const disabled = server.status === 'inactive';
  const why = disabled
    ? `Server is disabled (${server.disabled_reason === 'auto' ? 'automatically, after repeated failures' : 'manually'}): enable it first`
    : '';
  switch (action) {
    case 'check':
    case 'reload':
      if (disabled) return { enabled: false, reason: why };
      if (server.circuit_state === 'open') {
        return {
          enabled: false,
          reason: 'Circuit is open: checked again when the period ends; reset it to check now',
        };
      }
      return { enabled: true, reason: WHAT[action] };
    case 'execute':
      if (disabled) return { enabled: false, reason: why };
      if (server.circuit_state === 'open') {
        return { enabled: false, reason: 'Circuit is open: tool calls fail fast until it closes' };
      }
      return { enabled: true, reason: WHAT[action] };
    case 'read_resource':
    case 'get_prompt':
      if (disabled) return { enabled: false, reason: why };
      if (server.circuit_state === 'open') {
        return { enabled: false, reason: 'Circuit is open: calls fail fast until it closes' };
      }
      return { enabled: true, reason: WHAT[action] };
    case 'enable':
      return disabled
        ? { enabled: true, reason: WHAT[action] }
        : { enabled: false, reason: 'Already enabled' };
    case 'disable':
      return disabled
        ? { enabled: false, reason: 'Already disabled' }
        : { enabled: true, reason: WHAT[action] };
    case 'reset':
      if (disabled) return { enabled: false, reason: why };
      return server.circuit_state === 'closed'
        ? { enabled: false, reason: 'Circuit is closed: nothing to reset' }
        : { enabled: true, reason: WHAT[action] };
    case 'edit':
    case 'delete':
      return { enabled: true, reason: WHAT[action] };
    case 'authorize':
    case 'forget_tokens':
      // Also while disabled: authorizing first and enabling after is a fine order.
      return server.oauth_grant === 'authorization_code'
        ? { enabled: true, reason: WHAT[action] }
        : {
            enabled: false,
            reason:
              'Only an OAuth server with the authorization code grant is authorized by an operator',
          };
  }
}

/** What can be changed on the Alerts page. */
export type AlertAction = 'manage_channels' | 'manage_rules' | 'manage_windows';

/** SPEC §12: admins manage channels and rules, operators maintenance windows, viewers read. */
export const ALERT_REQUIRED_ROLE: Readonly<Record<AlertAction, Role>> = {
  manage_channels: 'admin',
  manage_rules: 'admin',
  manage_windows: 'operator',
};

const ALERT_WHAT: Readonly<Record<AlertAction, string>> = {
  manage_channels: 'Add, change, test and delete channels',
  manage_rules: 'Add, change and delete rules',
  manage_windows: 'Add, change and delete maintenance windows',
};

/** Whether `role` may do `action` on the Alerts page, and the tooltip saying why (not). */
export function alertAvailability(action: AlertAction, role: Role | null): Availability {
  const required = ALERT_REQUIRED_ROLE[action];
  if (role === null || !roleAtLeast(role, required)) {
    return {
      enabled: false,
      reason: `Needs the ${required} role (you are ${role ?? 'signed out'})`,
    };
  }
  return { enabled: true, reason: ALERT_WHAT[action] };
}
