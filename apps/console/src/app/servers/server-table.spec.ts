import { serverView } from '../core/testing';
import {
  countByStatus,
  failingServers,
  suspicionFor,
  tableRows,
  type TableQuery,
} from './server-table';

describe('tableRows', () => {
  const servers = [
    serverView({
      id: '1',
      name: 'github',
      url: 'https://gh.example/mcp',
      health_status: 'healthy',
      protocol_era: 'modern',
      protocol_version: '2026-07-28',
    }),
    serverView({
      id: '2',
      name: 'jira',
      description: 'tickets',
      health_status: 'circuit_open',
      consecutive_failures: 5,
    }),
    serverView({
      id: '3',
      name: 'files',
      protocol: 'stdio',
      url: null,
      command: 'npx',
      health_status: 'unhealthy',
    }),
    serverView({
      id: '4',
      name: 'slack',
      health_status: 'disabled',
      status: 'inactive',
      last_response_time_ms: null,
      protocol_era: null,
      protocol_version: null,
    }),
  ];
  const query = (patch: Partial<TableQuery> = {}): TableQuery => ({
    text: '',
    statuses: new Set(),
    protocol: null,
    era: null,
    sort: 'name',
    dir: 'asc',
    ...patch,
  });
  const names = (q: TableQuery) => tableRows(servers, q).map((s) => s.name);

  it('searches name, description, URL and command, every word', () => {
    expect(names(query({ text: 'tick' }))).toEqual(['jira']);
    expect(names(query({ text: 'gh.example' }))).toEqual(['github']);
    expect(names(query({ text: 'npx files' }))).toEqual(['files']);
    expect(names(query({ text: 'npx jira' }))).toEqual([]);
  });

  it('filters by status and protocol', () => {
    expect(names(query({ statuses: new Set(['circuit_open', 'unhealthy'] as const) }))).toEqual([
      'files',
      'jira',
    ]);
    expect(names(query({ protocol: 'stdio' }))).toEqual(['files']);
  });

  it('filters by protocol era, a server never contacted being unknown', () => {
    expect(names(query({ era: 'modern' }))).toEqual(['github']);
    expect(names(query({ era: 'legacy' }))).toEqual(['files', 'jira']);
    expect(names(query({ era: 'unknown' }))).toEqual(['slack']);
    expect(names(query({ era: 'legacy', protocol: 'stdio' }))).toEqual(['files']);
    expect(names(query({ era: 'modern', text: 'jira' }))).toEqual([]);
  });

  it('sorts worst first by status, and by response time with unknown last', () => {
    expect(names(query({ sort: 'status' }))).toEqual(['jira', 'files', 'slack', 'github']);
    expect(names(query({ sort: 'response_time' })).at(-1)).toBe('slack');
    expect(names(query({ sort: 'name', dir: 'desc' }))).toEqual([
      'slack',
      'jira',
      'github',
      'files',
    ]);
  });

  it('does not reorder the input array', () => {
    tableRows(servers, query({ sort: 'status' }));
    expect(servers.map((s) => s.id)).toEqual(['1', '2', '3', '4']);
  });

  it('counts by status', () => {
    expect(countByStatus(servers)).toEqual({
      healthy: 1,
      unhealthy: 1,
      circuit_open: 1,
      unknown: 0,
      disabled: 1,
      auth_required: 0,
    });
    expect(
      countByStatus([...servers, serverView({ id: '5', health_status: 'auth_required' })]),
    ).toMatchObject({ auth_required: 1, circuit_open: 1 });
  });

  it('filters and sorts servers waiting for authorization after the down ones', () => {
    const waiting = serverView({ id: '5', name: 'linear', health_status: 'auth_required' });
    const all = [...servers, waiting];
    expect(
      tableRows(all, query({ statuses: new Set(['auth_required'] as const) })).map((s) => s.name),
    ).toEqual(['linear']);
    expect(tableRows(all, query({ sort: 'status' })).map((s) => s.name)).toEqual([
      'jira',
      'linear',
      'files',
      'slack',
      'github',
    ]);
  });
});

describe('suspicionFor and failingServers', () => {
  const failing = serverView({ id: 'f', consecutive_failures: 2 });
  const waiting = serverView({ id: 'w', health_status: 'auth_required', consecutive_failures: 2 });

  it('marks failing checks on a closed circuit, but not a server waiting for authorization', () => {
    expect(suspicionFor(failing, 3)).toEqual({ failures: 2, threshold: 3 });
    expect(suspicionFor(waiting, 3)).toBeNull();
    expect(failingServers([failing, waiting], 3).map((s) => s.id)).toEqual(['f']);
  });
});
