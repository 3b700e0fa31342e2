import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { FC_PARAMS, oddJson, oddString } from '../../test/support/odd-input';
import { pollUntil } from '../../test/support/poll';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { Clock } from '../common/clock';
import { AppEnv, parseEnv } from '../config/env.schema';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { Metrics } from '../metrics/metrics';
import { AuditEntity } from './audit.entity';
import { AUDIT_DETAILS_MAX_CHARS, type AuditRecord, AuditService } from './audit.service';

const oddRecord: fc.Arbitrary<AuditRecord> = fc.record({
  actor: fc.record({
    kind: fc.constantFrom('user' as const, 'api_key' as const, 'system' as const),
    // Ids are uuids in the table; a caller bug handing anything else must not sink the entry.
    id: fc.oneof(fc.constant(null), fc.uuid(), oddString(40)),
    name: oddString(300),
  }),
  action: oddString(120),
  target: fc.option(
    fc.record({
      type: oddString(10),
      id: fc.option(oddString(300)),
      name: fc.option(oddString(300)),
    }),
  ),
  details: fc.record({ outcome: oddString(10), request: oddJson() }),
  ip: fc.option(oddString(50)),
});

/** Issue 13, defect 1: what the audit log accepts, it writes; nothing odd sinks a batch. */
describe('AuditService on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let metrics: Metrics;
  let audit: AuditService;

  const count = async () =>
    Number((await ds.query('SELECT count(*) AS n FROM omni2.audit_log'))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
  });

  beforeEach(async () => {
    await ds.query('TRUNCATE omni2.audit_log');
    metrics = new Metrics();
    audit = new AuditService(
      ds.getRepository(AuditEntity),
      metrics,
      new Clock(),
      new AppEnv(parseEnv({})),
    );
  });

  afterEach(() => audit.onApplicationShutdown());

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it('writes every entry of every batch, whatever bytes, sizes and ids they carry', async () => {
    let recorded = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(oddRecord, { minLength: 1, maxLength: 12 }), async (records) => {
        for (const r of records) audit.record(r);
        recorded += records.length;
        await audit.flush();
        expect(await count()).toBe(recorded);
      }),
      { ...FC_PARAMS, numRuns: Math.min(FC_PARAMS.numRuns, 60) },
    );
    expect(audit.oldestPendingMs()).toBe(0);
  });

  it('a row the database refuses is written alone without its details; its batch mates intact', async () => {
    const ok = (n: number): AuditRecord => ({
      actor: { kind: 'user', id: null, name: `u${n}` },
      action: 'server.update',
      target: null,
      details: { outcome: 'ok', n },
      ip: '127.0.0.1',
    });
    // A constraint stands in for whatever a future schema might refuse in one entry's details.
    await ds.query(
      `ALTER TABLE omni2.audit_log ADD CONSTRAINT no_poison CHECK (NOT details ? 'poison')`,
    );
    audit.record(ok(1));
    audit.record({ ...ok(2), details: { outcome: 'ok', poison: true } });
    audit.record(ok(3));
    await audit.flush();
    await ds.query('ALTER TABLE omni2.audit_log DROP CONSTRAINT no_poison');
    const rows = await ds.query<{ actor: string; details: Record<string, unknown> }[]>(
      'SELECT actor, details FROM omni2.audit_log ORDER BY id',
    );
    expect(rows).toEqual([
      { actor: 'u1', details: { outcome: 'ok', n: 1 } },
      { actor: 'u2', details: { outcome: 'ok', details_dropped: true } },
      { actor: 'u3', details: { outcome: 'ok', n: 3 } },
    ]);
  });

  it('keeps entries through an outage, says so (metric, backlog age), and writes them after', async () => {
    await ds.query('ALTER TABLE omni2.audit_log RENAME TO audit_log_away');
    try {
      for (let i = 0; i < 3; i++) {
        audit.record({
          actor: { kind: 'system', id: null, name: 'x' },
          action: `a${i}`,
          target: null,
          details: {},
          ip: null,
        });
      }
      await audit.flush();
      const failures = await metrics.auditWriteFailures.get();
      expect(failures.values.find((v) => v.labels.reason === 'unavailable')?.value).toBeGreaterThan(
        0,
      );
      expect((await metrics.auditPending.get()).values[0]?.value).toBe(3);
      await pollUntil(
        () => audit.oldestPendingMs(),
        (ms) => ms >= 50,
      );
    } finally {
      await ds.query('ALTER TABLE omni2.audit_log_away RENAME TO audit_log');
    }
    await pollUntil(count, (n) => n === 3, { what: 'the kept entries written after the outage' });
    await pollUntil(
      () => audit.oldestPendingMs(),
      (ms) => ms === 0,
    );
    expect((await metrics.auditWritten.get()).values[0]?.value).toBe(3);
    expect(
      (await ds.query<{ action: string }[]>('SELECT action FROM omni2.audit_log ORDER BY id')).map(
        (r) => r.action,
      ),
    ).toEqual(['a0', 'a1', 'a2']);
  });

  it('answers a flush once what was queued before it is written, however much keeps coming', async () => {
    const entry = (n: number): AuditRecord => ({
      actor: { kind: 'system', id: null, name: 'load' },
      action: `a${n}`,
      target: null,
      details: {},
      ip: null,
    });
    for (let i = 0; i < 10; i++) audit.record(entry(i));
    let flushed = false;
    const flush = audit.flush().then(() => (flushed = true));
    let produced = 0;
    while (!flushed && produced < 20_000) {
      audit.record(entry(10 + produced++));
      await new Promise((r) => setImmediate(r));
    }
    await flush;
    expect(produced).toBeLessThan(20_000);
    const first = await ds.query<{ action: string }[]>(
      `SELECT action FROM omni2.audit_log WHERE action = ANY($1)`,
      [Array.from({ length: 10 }, (_, i) => `a${i}`)],
    );
    expect(first).toHaveLength(10);
  });

  it('summarises details beyond the bound, keeping outcome, status and the body’s keys', async () => {
    const request = Object.fromEntries(
      Array.from({ length: 90 }, (_, i) => [`k${i}`, 'x'.repeat(900)]),
    );
    audit.record({
      actor: { kind: 'user', id: null, name: 'u' },
      action: 'server.create',
      target: null,
      details: { outcome: 'VALIDATION_FAILED', status: 400, request },
      ip: null,
    });
    await audit.flush();
    const [row] = await ds.query<{ details: Record<string, any>; size: number }[]>(
      `SELECT details, length(details::text) AS size FROM omni2.audit_log`,
    );
    expect(row.size).toBeLessThan(AUDIT_DETAILS_MAX_CHARS);
    expect(row.details).toMatchObject({
      outcome: 'VALIDATION_FAILED',
      status: 400,
      request: { elided: expect.stringMatching(/characters of details/) },
    });
    expect(row.details.request.keys).toHaveLength(50);
  });

  it('keeps details that are not JSON (bigint, undefined) as text instead of failing', async () => {
    audit.record({
      actor: { kind: 'user', id: 'not-a-uuid', name: 'u' },
      action: 'x',
      target: null,
      details: { big: 10n, nothing: undefined, inf: Infinity },
      ip: null,
    });
    await audit.flush();
    expect(await ds.query('SELECT actor_id, details FROM omni2.audit_log')).toEqual([
      { actor_id: null, details: { big: '10', nothing: 'undefined', inf: null } },
    ]);
  });
});
