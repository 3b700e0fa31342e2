import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { Clock } from '../common/clock';
import { AppEnv, parseEnv } from '../config/env.schema';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { Metrics } from '../metrics/metrics';
import { AuditEntity } from './audit.entity';
import { AuditService } from './audit.service';

/**
 * Issue 18: a time window is read by time when it holds few entries and by id otherwise; both
 * ways give exactly the entries in the window, newest id first, page after page, even where
 * ids and times disagree (batches of replicas interleave).
 */
describe('AuditService time filters on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let audit: AuditService;
  const base = Date.parse('2026-06-01T00:00:00Z');
  const at = (second: number) => new Date(base + second * 1_000).toISOString();

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
    audit = new AuditService(
      ds.getRepository(AuditEntity),
      new Metrics(),
      new Clock(),
      new AppEnv(parseEnv({})),
    );
    // 12,000 entries one second apart, except that every 7th was stamped 30 s earlier than its
    // id suggests (a slow replica's batch).
    await ds.query(
      `
      INSERT INTO omni2.audit_log (actor, actor_kind, action, created_at)
      SELECT 'u' || (g % 3), 'user', CASE WHEN g % 2 = 0 THEN 'server.update' ELSE 'tool.execute' END,
             $1::timestamptz + (g - CASE WHEN g % 7 = 0 THEN 30 ELSE 0 END) * interval '1 second'
        FROM generate_series(1, 12000) g`,
      [at(0)],
    );
  });

  afterAll(async () => {
    await audit.onApplicationShutdown();
    await ds.destroy();
    await db.drop();
  });

  const truth = async (from: string, to: string, extra = '') =>
    (
      await ds.query<{ id: string }[]>(
        `SELECT id FROM omni2.audit_log
          WHERE created_at >= $1 AND created_at < $2 ${extra} ORDER BY id DESC`,
        [from, to],
      )
    ).map((r) => String(r.id));

  const allPages = async (query: Record<string, string>) => {
    const ids: string[] = [];
    let before: string | null = null;
    for (let pages = 0; pages < 1_000; pages++) {
      const page = await audit.page({ ...query, limit: '500', ...(before ? { before } : {}) });
      ids.push(...page.items.map((e) => e.id));
      before = page.next_cursor;
      if (!before) break;
    }
    return ids;
  };

  it.each([
    ['a narrow window far back', 1_000, 1_400],
    ['a narrow window at the newest end', 11_800, 12_100],
    ['a window wider than the narrow bound', 100, 11_000],
    ['the whole log', -100, 13_000],
  ])('%s: exactly its entries, by id, across pages', async (_label, start, end) => {
    const [from, to] = [at(start), at(end)];
    expect(await allPages({ from, to })).toEqual(await truth(from, to));
    expect(await allPages({ from, to, action: 'server.update', actor: 'u1' })).toEqual(
      await truth(from, to, `AND action = 'server.update' AND actor = 'u1'`),
    );
  });

  it('only one bound: from alone, to alone', async () => {
    const far = at(1_000_000);
    const past = at(-1_000_000);
    expect(await allPages({ from: at(11_500) })).toEqual(await truth(at(11_500), far));
    expect(await allPages({ to: at(600) })).toEqual(await truth(past, at(600)));
  });
});
