import { alertAvailability, availability } from './permissions';
import { serverView } from './testing';

describe('availability', () => {
  const active = serverView();
  const disabled = serverView({
    status: 'inactive',
    disabled_reason: 'auto',
    health_status: 'disabled',
  });
  const open = serverView({ circuit_state: 'open', health_status: 'circuit_open' });

  it('denies every action to a viewer, saying which role is needed', () => {
    for (const action of [
      'check',
      'reload',
      'enable',
      'disable',
      'reset',
      'execute',
      'read_resource',
      'get_prompt',
      'edit',
      'delete',
      'authorize',
      'forget_tokens',
    ] as const) {
      const a = availability(action, active, 'viewer');
      expect(a.enabled).toBe(false);
      expect(a.reason).toMatch(/Needs the (operator|admin) role \(you are viewer\)/);
    }
  });

  it('lets an operator check and toggle but not edit or delete', () => {
    expect(availability('check', active, 'operator').enabled).toBe(true);
    expect(availability('disable', active, 'operator').enabled).toBe(true);
    expect(availability('edit', active, 'operator')).toEqual({
      enabled: false,
      reason: 'Needs the admin role (you are operator)',
    });
    expect(availability('delete', active, 'admin').enabled).toBe(true);
  });

  it('disables by status with the reason in the tooltip', () => {
    expect(availability('check', disabled, 'admin')).toEqual({
      enabled: false,
      reason: 'Server is disabled (automatically, after repeated failures): enable it first',
    });
    expect(availability('enable', disabled, 'admin').enabled).toBe(true);
    expect(availability('enable', active, 'admin')).toEqual({
      enabled: false,
      reason: 'Already enabled',
    });
    expect(availability('disable', disabled, 'admin').reason).toBe('Already disabled');
    expect(availability('reset', active, 'admin').reason).toBe(
      'Circuit is closed: nothing to reset',
    );
    expect(availability('reset', open, 'operator').enabled).toBe(true);
    expect(availability('execute', open, 'admin')).toEqual({
      enabled: false,
      reason: 'Circuit is open: tool calls fail fast until it closes',
    });
    for (const action of ['check', 'reload'] as const) {
      expect(availability(action, open, 'admin')).toEqual({
        enabled: false,
        reason: 'Circuit is open: checked again when the period ends; reset it to check now',
      });
    }
    const recovering = serverView({ circuit_state: 'half_open', health_status: 'unhealthy' });
    expect(availability('check', recovering, 'operator').enabled).toBe(true);
  });

  it('lets an operator read resources and get prompts while the server takes calls', () => {
    for (const action of ['read_resource', 'get_prompt'] as const) {
      expect(availability(action, active, 'operator').enabled).toBe(true);
      expect(availability(action, disabled, 'operator')).toEqual({
        enabled: false,
        reason: 'Server is disabled (automatically, after repeated failures): enable it first',
      });
      expect(availability(action, open, 'admin')).toEqual({
        enabled: false,
        reason: 'Circuit is open: calls fail fast until it closes',
      });
    }
  });

  it('lets an operator authorize an authorization code server, and only an admin forget its tokens', () => {
    const oauth = serverView({
      auth_type: 'oauth',
      oauth_grant: 'authorization_code',
      health_status: 'auth_required',
    });
    expect(availability('authorize', oauth, 'operator').enabled).toBe(true);
    expect(availability('authorize', { ...oauth, status: 'inactive' }, 'operator').enabled).toBe(
      true,
    );
    expect(availability('forget_tokens', oauth, 'operator')).toEqual({
      enabled: false,
      reason: 'Needs the admin role (you are operator)',
    });
    expect(availability('forget_tokens', oauth, 'admin').enabled).toBe(true);
    for (const grant of ['client_credentials', null] as const) {
      const other = serverView({ oauth_grant: grant });
      expect(availability('authorize', other, 'admin').enabled).toBe(false);
      expect(availability('forget_tokens', other, 'admin').reason).toMatch(/authorization code/);
    }
  });

  it('treats a signed-out user as having no role', () => {
    expect(availability('check', active, null).reason).toBe(
      'Needs the operator role (you are signed out)',
    );
  });
});

describe('alertAvailability', () => {
  it('lets admins manage channels and rules, operators windows, viewers only read', () => {
    expect(alertAvailability('manage_channels', 'admin').enabled).toBe(true);
    expect(alertAvailability('manage_rules', 'admin').enabled).toBe(true);
    expect(alertAvailability('manage_channels', 'operator')).toEqual({
      enabled: false,
      reason: 'Needs the admin role (you are operator)',
    });
    expect(alertAvailability('manage_rules', 'operator').enabled).toBe(false);
    expect(alertAvailability('manage_windows', 'operator').enabled).toBe(true);
    expect(alertAvailability('manage_windows', 'viewer')).toEqual({
      enabled: false,
      reason: 'Needs the operator role (you are viewer)',
    });
    expect(alertAvailability('manage_windows', null).reason).toBe(
      'Needs the operator role (you are signed out)',
    );
  });
});
