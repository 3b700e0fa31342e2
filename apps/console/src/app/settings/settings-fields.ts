import { LOG_LEVELS, type RuntimeConfigKey } from '@omni2/contracts';

export type FieldType = 'int' | 'number' | 'bool' | 'level' | 'list';

export interface SettingField {
  key: string;
  label: string;
  help: string;
  type: FieldType;
  unit?: string;
}

export interface SettingSection {
  key: RuntimeConfigKey;
  title: string;
  intro: string;
  fields: SettingField[];
}

export const LEVELS = LOG_LEVELS;

/** What the Settings page edits, with the words an operator needs (SPEC §1-§2). */
export const SECTIONS: readonly SettingSection[] = [
  {
    key: 'health_check',
    title: 'Health checks',
    intro: 'How often servers are checked, and how long a check may take.',
    fields: [
      {
        key: 'interval_seconds',
        label: 'Interval (healthy)',
        help: 'Between checks of a healthy server',
        type: 'int',
        unit: 's',
      },
      {
        key: 'unhealthy_interval_seconds',
        label: 'Interval (failing or recovering)',
        help: 'Between checks of a server marked “failing k/threshold” (circuit still closed) or recovering (half-open)',
        type: 'int',
        unit: 's',
      },
      {
        key: 'timeout_seconds',
        label: 'Timeout',
        help: 'A check slower than this fails as a timeout',
        type: 'int',
        unit: 's',
      },
      {
        key: 'concurrency',
        label: 'Concurrency',
        help: 'Checks in parallel per replica',
        type: 'int',
      },
    ],
  },
  {
    key: 'circuit_breaker',
    title: 'Circuit breaker',
    intro: 'When to stop calling a failing server, when to retry, and when to give up.',
    fields: [
      {
        key: 'enabled',
        label: 'Enabled',
        help: 'Without the breaker, failures are only counted',
        type: 'bool',
      },
      {
        key: 'failure_threshold',
        label: 'Failure threshold',
        help: 'Consecutive failures that open the circuit',
        type: 'int',
      },
      {
        key: 'timeout_seconds',
        label: 'First open period',
        help: 'No checks while open; then a recovery attempt',
        type: 'int',
        unit: 's',
      },
      {
        key: 'backoff_multiplier',
        label: 'Backoff multiplier',
        help: 'Each new open multiplies the period',
        type: 'number',
      },
      {
        key: 'max_timeout_seconds',
        label: 'Longest open period',
        help: 'The backoff stops growing here',
        type: 'int',
        unit: 's',
      },
      {
        key: 'half_open_max_calls',
        label: 'Probes to close',
        help: 'Consecutive successes that close a half-open circuit',
        type: 'int',
      },
      {
        key: 'max_failure_cycles',
        label: 'Failed recoveries before disable',
        help: 'Re-opens that auto-disable the server',
        type: 'int',
      },
      {
        key: 'auto_disable_enabled',
        label: 'Auto-disable',
        help: 'Disable servers that stay down',
        type: 'bool',
      },
      {
        key: 'disable_after_minutes',
        label: 'Disable after',
        help: 'Continuous downtime that auto-disables',
        type: 'int',
        unit: 'min',
      },
    ],
  },
  {
    key: 'rate_limits',
    title: 'Abuse limits',
    intro: 'Sign-in throttling and lockout, and tool executions per caller.',
    fields: [
      {
        key: 'login_attempts_per_minute',
        label: 'Sign-ins per address',
        help: 'Attempts per client address per minute',
        type: 'int',
      },
      {
        key: 'login_lockout_threshold',
        label: 'Lockout after',
        help: 'Consecutive failed sign-ins for one user',
        type: 'int',
      },
      {
        key: 'login_lockout_seconds',
        label: 'First lockout',
        help: 'Doubles with each further failure',
        type: 'int',
        unit: 's',
      },
      {
        key: 'login_lockout_max_seconds',
        label: 'Longest lockout',
        help: 'The doubling stops here',
        type: 'int',
        unit: 's',
      },
      {
        key: 'tool_executions_per_minute',
        label: 'Tool runs per caller',
        help: 'Per minute, refilled continuously',
        type: 'int',
      },
      {
        key: 'tool_timeout_max_seconds',
        label: 'Longest tool timeout',
        help: 'The most a tool run may ask for (timeout_seconds)',
        type: 'int',
        unit: 's',
      },
    ],
  },
  {
    key: 'health_log',
    title: 'Health log',
    intro: 'How long the history behind uptime and charts is kept.',
    fields: [
      {
        key: 'retention_days',
        label: 'Retention',
        help: 'Older rows are pruned',
        type: 'int',
        unit: 'days',
      },
    ],
  },
  {
    key: 'alerts',
    title: 'Alerts',
    intro:
      'When several servers failing at once raise one critical alert, and whether maintenance counts in uptime.',
    fields: [
      {
        key: 'critical_failure_count',
        label: 'Circuits opening',
        help: 'This many within the window…',
        type: 'int',
      },
      {
        key: 'critical_window_seconds',
        label: 'Window',
        help: '…raise one critical_alert',
        type: 'int',
        unit: 's',
      },
      {
        key: 'maintenance_counts_in_uptime',
        label: 'Maintenance in uptime',
        help: 'Count checks inside maintenance windows in uptime figures',
        type: 'bool',
      },
    ],
  },
  {
    key: 'events',
    title: 'Event stream',
    intro: 'How much history reconnecting consoles can replay.',
    fields: [
      {
        key: 'max_length',
        label: 'Events kept',
        help: 'Older events are trimmed; a client further behind reloads instead of replaying',
        type: 'int',
      },
    ],
  },
  {
    key: 'logging',
    title: 'Logging',
    intro: 'Gateway log level and components, applied without restart.',
    fields: [
      { key: 'level', label: 'Level', help: 'Lines below this level are dropped', type: 'level' },
      {
        key: 'component_names',
        label: 'Components',
        help: 'Comma-separated (http, coordinator, …); empty logs all',
        type: 'list',
      },
    ],
  },
];

/** Form text -> the JSON value the gateway expects (bad numbers go through for its 400). */
export function parseField(type: FieldType, text: string): unknown {
  switch (type) {
    case 'bool':
      return text === 'true';
    case 'int':
    case 'number': {
      const n = Number(text);
      return text.trim() === '' || Number.isNaN(n) ? text : n;
    }
    case 'level':
      return text;
    case 'list':
      return text
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
  }
}

export function fieldText(type: FieldType, value: unknown): string {
  if (type === 'list') return Array.isArray(value) ? value.join(', ') : '';
  if (value === undefined || value === null) return '';
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}
