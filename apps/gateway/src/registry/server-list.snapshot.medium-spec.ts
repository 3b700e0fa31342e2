import type { McpServerList } from '@omni2/contracts';
import { DataSource } from 'typeorm';
import { FakeClock } from '../../test/support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { testCodec } from '../../test/support/secrets';
import type { ListQuery } from './list-query';
import { parseListQuery } from './list-query';
import { McpServerEntity } from './mcp-server.entity';
import { LIST_PROBE_REUSE_MS, ServerListSnapshot } from './server-list.snapshot';

describe('ServerListSnapshot on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let clock: FakeClock;
  let snapshot: ServerListSnapshot;
  const all = parseListQuery({});

  const read = async (query: ListQuery = all): Promise<McpServerList> =>
    JSON.parse((await snapshot.body(query)).raw.toString()) as McpServerList;
  const names = async (query: ListQuery = all) => (await read(query)).items.map((s) => s.name);
  const insert = (name: string, extra = '') =>
    ds.query(
      `INSERT INTO omni2.mcp_servers (name, protocol, url, description${extra ? ', status' : ''})
       VALUES ($1, 'sse', 'http://' || $1 || '.test/sse', 'about ' || $1${extra ? ", 'inactive'" : ''})`,
      [name],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  beforeEach(async () => {
    await ds.query('DELETE FROM omni2.mcp_servers');
    clock = new FakeClock();
    snapshot = new ServerListSnapshot(ds.getRepository(McpServerEntity), testCodec(), clock);
  });

  it('lists in byte order of name, the same on every replica and locale', async () => {
    for (const n of ['b_x', 'b-x', 'a', 'bx', 'b9']) await insert(n);
    expect(await names()).toEqual(['a', 'b-x', 'b9', 'b_x', 'bx']);
    expect((await read()).total).toBe(5);
  });

  it('sees rows edited directly in the database once the probe window passes', async () => {
    await insert('one');
    expect((await read()).items[0].description).toBe('about one');
    await ds.query(`UPDATE omni2.mcp_servers SET description = 'edited' WHERE name = 'one'`);
    expect((await read()).items[0].description).toBe('about one'); // within the window
    clock.t += LIST_PROBE_REUSE_MS;
    expect((await read()).items[0].description).toBe('edited');
  });

  it('sees each of two updates made within one millisecond', async () => {
    await insert('fast');
    await read();
    await ds.query(`UPDATE omni2.mcp_servers SET description = 'v1' WHERE name = 'fast'`);
    clock.t += LIST_PROBE_REUSE_MS;
    expect((await read()).items[0].description).toBe('v1');
    await ds.query(`UPDATE omni2.mcp_servers SET description = 'v2' WHERE name = 'fast'`);
    clock.t += LIST_PROBE_REUSE_MS;
    expect((await read()).items[0].description).toBe('v2');
  });

  it('drops deleted rows and adds inserted ones, even when the count is unchanged', async () => {
    await insert('keep');
    await insert('gone');
    expect(await names()).toEqual(['gone', 'keep']);
    await ds.query(`DELETE FROM omni2.mcp_servers WHERE name = 'gone'`);
    await insert('new');
    clock.t += LIST_PROBE_REUSE_MS;
    expect(await names()).toEqual(['keep', 'new']);
  });

  it('keeps the rendered body across a full reload that finds nothing new, not after a change', async () => {
    await insert('one');
    await insert('two');
    const first = await snapshot.body(all);
    clock.t += 31_000; // past the periodic full reload
    expect(await snapshot.body(all)).toBe(first);
    await ds.query(`UPDATE omni2.mcp_servers SET description = 'edited' WHERE name = 'two'`);
    clock.t += 31_000;
    const after = await snapshot.body(all);
    expect(after).not.toBe(first);
    expect((JSON.parse(after.raw.toString()) as McpServerList).items[1].description).toBe('edited');
  });

  it('applies a local write at once after invalidate()', async () => {
    await insert('x');
    await read();
    await insert('y');
    snapshot.invalidate();
    expect(await names()).toEqual(['x', 'y']);
  });

  it('filters, searches and pages like the SQL it replaces', async () => {
    await insert('alpha');
    await insert('beta', 'inactive');
    await insert('gamma');
    expect(await names(parseListQuery({ status: 'inactive' }))).toEqual(['beta']);
    expect(await names(parseListQuery({ q: 'GAMMA.TEST' }))).toEqual(['gamma']);
    expect(await names(parseListQuery({ health_status: 'unknown' }))).toEqual([
      'alpha',
      'beta',
      'gamma',
    ]);
    const page = await read(parseListQuery({ limit: '1', offset: '1' }));
    expect(page.items.map((s) => s.name)).toEqual(['beta']);
    expect(page.total).toBe(3);
  });
});
