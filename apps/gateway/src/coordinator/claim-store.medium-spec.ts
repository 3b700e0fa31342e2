import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { McpServerEntity } from '../registry/mcp-server.entity';
import { ClaimStore } from './claim-store';

/** Two replicas, each with its own connection pool, claiming from one table. */
describe('ClaimStore on PostgreSQL', () => {
  let db: TestDatabase;
  let a: DataSource;
  let b: DataSource;
  let storeA: ClaimStore;
  let storeB: ClaimStore;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    b = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
    storeA = new ClaimStore(a.getRepository(McpServerEntity));
    storeB = new ClaimStore(b.getRepository(McpServerEntity));
  });

  afterAll(async () => {
    await a.destroy();
    await b.destroy();
    await db.drop();
  });

  beforeEach(async () => {
    await a.query('DELETE FROM omni2.mcp_servers');
    await a.query('DELETE FROM omni2.coordinator_replicas');
    await a.query(
      `INSERT INTO omni2.mcp_servers (name, protocol, url, next_check_at)
       SELECT 's' || i, 'sse', 'http://x/' || i, now() - interval '1 second'
       FROM generate_series(1, 200) AS i`,
    );
  });

  it('never hands one due server to two replicas, and hands out every one', async () => {
    const seen = new Map<string, string>();
    for (let round = 0; round < 10; round++) {
      const [fromA, fromB] = await Promise.all([
        storeA.claim('replica-a', 25, 60),
        storeB.claim('replica-b', 25, 60),
      ]);
      for (const [replica, rows] of [
        ['a', fromA],
        ['b', fromB],
      ] as const) {
        for (const row of rows) {
          expect(seen.has(row.id)).toBe(false);
          seen.set(row.id, replica);
        }
      }
    }
    expect(seen.size).toBe(200);
    expect(new Set(seen.values())).toEqual(new Set(['a', 'b']));
  });

  it('leases claimed servers: not due again until the lease ends or is released', async () => {
    const mine = await storeA.claim('replica-a', 200, 60);
    expect(mine).toHaveLength(200);
    expect(mine[0].claimed_by).toBe('replica-a');
    await expect(storeB.claim('replica-b', 200, 60)).resolves.toHaveLength(0);
    // replica-a dies: its leases run out (simulated by moving them into the past)
    await a.query(
      `UPDATE omni2.mcp_servers SET next_check_at = now() - interval '1 second' WHERE name IN ('s1', 's2')`,
    );
    const taken = await storeB.claim('replica-b', 200, 60);
    expect(taken.map((r) => r.name).sort()).toEqual(['s1', 's2']);
  });

  it('releases a stopping replica’s leases for the others at once', async () => {
    await storeA.claim('replica-a', 50, 60);
    expect(await storeA.release('replica-a')).toBe(50);
    await expect(storeB.claim('replica-b', 200, 60)).resolves.toHaveLength(200);
  });

  it('skips disabled servers and servers not yet due', async () => {
    await a.query(`UPDATE omni2.mcp_servers SET status = 'inactive' WHERE name = 's1'`);
    await a.query(
      `UPDATE omni2.mcp_servers SET next_check_at = now() + interval '1 hour' WHERE name = 's2'`,
    );
    const rows = await storeA.claim('replica-a', 500, 60);
    expect(rows).toHaveLength(198);
    expect(rows.map((r) => r.name)).not.toEqual(expect.arrayContaining(['s1', 's2']));
  });

  it('schedules a check at once when connection settings are edited directly in the database', async () => {
    await storeA.claim('replica-a', 500, 3_600); // nothing due for an hour
    await a.query(`UPDATE omni2.mcp_servers SET url = 'http://moved/s3' WHERE name = 's3'`);
    await a.query(`UPDATE omni2.mcp_servers SET description = 'cosmetic' WHERE name = 's4'`);
    const due = await storeB.claim('replica-b', 500, 60);
    expect(due.map((r) => r.name)).toEqual(['s3']);
  });

  it('moves the breaker generation on connection edits and disabling, and never backwards', async () => {
    const generation = async (name: string) =>
      (
        await a.query<{ g: number }[]>(
          'SELECT circuit_generation AS g FROM omni2.mcp_servers WHERE name = $1',
          [name],
        )
      )[0].g;
    await a.query(`UPDATE omni2.mcp_servers SET description = 'cosmetic' WHERE name = 's5'`);
    expect(await generation('s5')).toBe(0);
    await a.query(`UPDATE omni2.mcp_servers SET url = 'http://moved/s5' WHERE name = 's5'`);
    expect(await generation('s5')).toBe(1);
    await a.query(`UPDATE omni2.mcp_servers SET status = 'inactive' WHERE name = 's5'`);
    expect(await generation('s5')).toBe(2);
    // A writer with a stale copy of the row cannot move it back.
    await a.query(
      `UPDATE omni2.mcp_servers SET circuit_generation = 0, status = 'active' WHERE name = 's5'`,
    );
    expect(await generation('s5')).toBe(3);
    await a.query(`UPDATE omni2.mcp_servers SET circuit_generation = 1 WHERE name = 's5'`);
    expect(await generation('s5')).toBe(3);
  });

  it('keeps servers with the live replica that holds their session, however overdue', async () => {
    await storeA.heartbeat('replica-a', 10);
    await a.query(
      `UPDATE omni2.mcp_servers SET checked_by = 'replica-a', next_check_at = now() - interval '1 hour'
        WHERE name IN ('s1', 's2', 's3')`,
    );
    const byB = await storeB.claim('replica-b', 500, 60, 10);
    expect(byB).toHaveLength(197); // everything except replica-a's three
    const byA = await storeA.claim('replica-a', 500, 60, 10);
    expect(byA.map((r) => r.name).sort()).toEqual(['s1', 's2', 's3']);
  });

  it('hands a silent replica’s servers to the others', async () => {
    await storeA.heartbeat('replica-quiet', 10);
    await a.query(`UPDATE omni2.mcp_servers SET checked_by = 'replica-quiet'`);
    await expect(storeB.claim('replica-b', 500, 60, 10)).resolves.toHaveLength(0);
    await a.query(
      `UPDATE omni2.coordinator_replicas SET last_seen = now() - interval '11 seconds' WHERE id = 'replica-quiet'`,
    );
    await expect(storeB.claim('replica-b', 500, 60, 10)).resolves.toHaveLength(200);
  });

  it('lets a replica added later take its fair share from a live replica holding them all', async () => {
    await expect(storeA.heartbeat('replica-a', 10)).resolves.toBe(1);
    await expect(storeB.heartbeat('replica-b', 10)).resolves.toBe(2);
    await a.query(`UPDATE omni2.mcp_servers SET checked_by = 'replica-a'`);
    await expect(storeB.claim('replica-b', 500, 60, 10)).resolves.toHaveLength(0);
    const taken = await storeB.rebalance('replica-b', 500, 60, 10);
    expect(taken).toHaveLength(100); // ceil(200 servers / 2 live replicas)
    expect(taken.every((r) => r.claimed_by === 'replica-b')).toBe(true);
    // Its checks in flight count towards its share: nothing more until the balance changes.
    await expect(storeB.rebalance('replica-b', 500, 60, 10)).resolves.toHaveLength(0);
    const kept = await storeA.claim('replica-a', 500, 60, 10);
    expect(kept).toHaveLength(100);
    expect(new Set([...taken, ...kept].map((r) => r.id)).size).toBe(200);
  });

  it('takes servers due before the donor’s next tick, when asked to look a tick ahead', async () => {
    await storeA.heartbeat('replica-a', 10);
    await storeB.heartbeat('replica-b', 10);
    await a.query(
      `UPDATE omni2.mcp_servers SET checked_by = 'replica-a', next_check_at = now() + interval '500 milliseconds'`,
    );
    // Without look-ahead the donor, ticking first when they fall due, would keep them all.
    await expect(storeB.rebalance('replica-b', 500, 60, 10)).resolves.toHaveLength(0);
    await expect(storeB.rebalance('replica-b', 500, 60, 10, 1)).resolves.toHaveLength(100);
  });

  it('takes no more than the shortfall, and only from replicas above their share', async () => {
    await storeA.heartbeat('replica-a', 10);
    await storeB.heartbeat('replica-b', 10);
    await a.query(
      `UPDATE omni2.mcp_servers SET checked_by = CASE WHEN name ~ '^s1[0-9]?$' THEN 'replica-b' ELSE 'replica-a' END`,
    ); // replica-b holds s1 and s10..s19 (11), replica-a the other 189
    await expect(storeB.rebalance('replica-b', 30, 60, 10)).resolves.toHaveLength(30); // the limit
    await expect(storeB.rebalance('replica-b', 500, 60, 10)).resolves.toHaveLength(59); // 100 - (11 + 30)
    // Now at its share, it takes nothing more although replica-a still holds all the rest.
    await expect(storeB.rebalance('replica-b', 500, 60, 10)).resolves.toHaveLength(0);
  });

  it('takes from each donor no more than its excess, so no server moves twice', async () => {
    for (const id of ['replica-a', 'replica-b', 'replica-c']) await storeA.heartbeat(id, 10);
    await a.query(
      `UPDATE omni2.mcp_servers SET checked_by = CASE WHEN substr(name, 2)::int <= 120
         THEN 'replica-a' ELSE 'replica-b' END`,
    ); // 120 and 80; fair share ceil(200 / 3) = 67
    const taken = await storeB.rebalance('replica-c', 500, 60, 10);
    const from = (holder: string) => taken.filter((r) => r.checked_by === holder).length;
    expect([from('replica-a'), from('replica-b')]).toEqual([53, 13]);
  });

  it('divides by live replicas only, and never takes from a silent one', async () => {
    await storeA.heartbeat('replica-a', 10);
    await storeA.heartbeat('replica-b', 10);
    await storeA.heartbeat('replica-quiet', 10);
    await a.query(
      `UPDATE omni2.coordinator_replicas SET last_seen = now() - interval '11 seconds' WHERE id = 'replica-quiet'`,
    );
    await a.query(
      `UPDATE omni2.mcp_servers SET checked_by = CASE WHEN substr(name, 2)::int <= 20
         THEN 'replica-a' ELSE 'replica-quiet' END`,
    ); // fair share 200 / 2 live = 100: the silent replica's 180 are over it, yet not offered
    await expect(storeB.rebalance('replica-b', 500, 60, 10)).resolves.toHaveLength(0);
    // claim() is what hands them on, to whoever asks first.
    await expect(storeB.claim('replica-b', 500, 60, 10)).resolves.toHaveLength(180);
  });

  it('treats a replica that never sent a heartbeat, or has stopped, as gone', async () => {
    await a.query(`UPDATE omni2.mcp_servers SET checked_by = 'replica-unknown' WHERE name = 's1'`);
    await storeA.heartbeat('replica-a', 10);
    await a.query(`UPDATE omni2.mcp_servers SET checked_by = 'replica-a' WHERE name = 's2'`);
    await storeA.release('replica-a'); // a clean stop removes its heartbeat
    const rows = await storeB.claim('replica-b', 500, 60, 10);
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['s1', 's2']));
  });
});
