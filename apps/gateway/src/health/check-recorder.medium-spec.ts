import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { dataSourceOptions } from '../database/data-source-options';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { CheckRecorder } from './check-recorder';

describe('CheckRecorder on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let recorder: CheckRecorder;
  let id: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    recorder = new CheckRecorder(ds.getRepository(McpServerEntity));
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  beforeEach(async () => {
    const [row] = await ds.query<{ id: string }[]>(
      `INSERT INTO omni2.mcp_servers (name, protocol, url) VALUES ('s-' || gen_random_uuid(), 'sse', 'http://x') RETURNING id`,
    );
    id = row.id;
  });

  const failure = {
    ok: false as const,
    errorKind: 'unreachable' as const,
    error: 'refused',
    probe: 'none' as const,
  };
  const success = { ok: true as const, responseTimeMs: 3.5, probe: 'ping' as const };

  it('keeps a never-healthy server unknown while counting its failures', async () => {
    await recorder.record(id, failure, new Date());
    const row = await recorder.record(id, failure, new Date());
    expect(row).toMatchObject({
      health_status: 'unknown',
      consecutive_failures: 2,
      error_count: 2,
      last_error: 'refused',
      last_error_kind: 'unreachable',
      last_success_at: null,
    });
  });

  it('records a success: healthy, response time, counters reset, error cleared', async () => {
    await recorder.record(id, failure, new Date());
    const at = new Date('2026-11-22T10:00:00Z');
    const row = await recorder.record(id, success, at);
    expect(row).toMatchObject({
      health_status: 'healthy',
      consecutive_failures: 0,
      error_count: 1,
      last_error: null,
      last_error_kind: null,
      last_response_time_ms: 3.5,
    });
    expect(row!.last_success_at?.toISOString()).toBe(at.toISOString());
    expect(row!.last_health_check?.toISOString()).toBe(at.toISOString());
  });

  it('counts concurrent failures without losing an increment', async () => {
    await Promise.all(Array.from({ length: 8 }, () => recorder.record(id, failure, new Date())));
    const [row] = await ds.query<{ consecutive_failures: number; error_count: number }[]>(
      'SELECT consecutive_failures, error_count FROM omni2.mcp_servers WHERE id = $1',
      [id],
    );
    expect(row).toEqual({ consecutive_failures: 8, error_count: 8 });
  });

  it('returns null for a server deleted meanwhile', async () => {
    await ds.query('DELETE FROM omni2.mcp_servers WHERE id = $1', [id]);
    await expect(recorder.record(id, success, new Date())).resolves.toBeNull();
  });
});
