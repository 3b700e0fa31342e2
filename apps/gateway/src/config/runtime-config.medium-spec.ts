import { RUNTIME_DEFAULTS } from '@omni2/contracts';
import { DataSource } from 'typeorm';
import { FakeClock } from '../../test/support/fake-clock';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-database';
import { DomainError } from '../common/domain-error';
import { dataSourceOptions } from '../../test/support/data-source-options';
import { RuntimeConfigEntity } from './runtime-config.entity';
import { CONFIG_CACHE_TTL_MS, RuntimeConfigService } from './runtime-config.service';

describe('RuntimeConfigService on PostgreSQL', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let clock: FakeClock;
  let service: RuntimeConfigService;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = await new DataSource(dataSourceOptions(db.url, 4)).initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  beforeEach(() => {
    clock = new FakeClock();
    service = new RuntimeConfigService(ds.getRepository(RuntimeConfigEntity), clock);
  });

  it('starts from the SPEC defaults seeded by the migration', async () => {
    await expect(service.get('health_check')).resolves.toEqual(RUNTIME_DEFAULTS.health_check);
    await expect(service.get('circuit_breaker')).resolves.toEqual(RUNTIME_DEFAULTS.circuit_breaker);
  });

  it('validates, persists and applies a new value at once', async () => {
    const value = { ...RUNTIME_DEFAULTS.health_check, interval_seconds: 5 };
    const entry = await service.put('health_check', value);
    expect(entry.value).toEqual(value);
    expect(entry.updated_at).not.toBeNull();
    const fresh = new RuntimeConfigService(ds.getRepository(RuntimeConfigEntity), clock);
    await expect(fresh.get('health_check')).resolves.toEqual(value);
  });

  it('rejects a bad value naming the field, and keeps the old one', async () => {
    const before = await service.get('circuit_breaker');
    const attempt = service.put('circuit_breaker', { ...before, failure_threshold: 0 });
    await expect(attempt).rejects.toThrow(DomainError);
    await expect(attempt).rejects.toThrow(/failure_threshold/);
    service.invalidate();
    await expect(service.get('circuit_breaker')).resolves.toEqual(before);
  });

  it('rejects unknown keys in the value and unknown config keys', async () => {
    await expect(
      service.put('logging', { level: 'info', component_names: [], colour: true }),
    ).rejects.toThrow(/colour/);
    await expect(service.entry('nope')).rejects.toThrow(/unknown config key/);
  });

  it('picks up a row edited directly in the database once the cache expires', async () => {
    await service.put('health_check', { ...RUNTIME_DEFAULTS.health_check, concurrency: 7 });
    await ds.query(
      `UPDATE omni2.omni2_config SET value = jsonb_set(value, '{concurrency}', '9') WHERE key = 'health_check'`,
    );
    await expect(service.get('health_check')).resolves.toMatchObject({ concurrency: 7 });
    clock.t += CONFIG_CACHE_TTL_MS;
    await expect(service.get('health_check')).resolves.toMatchObject({ concurrency: 9 });
  });

  it('falls back to defaults for a stored value that is invalid', async () => {
    await ds.query(
      `INSERT INTO omni2.omni2_config (key, value) VALUES ('logging', '{"level":"loud","component_names":[]}')
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    );
    service.invalidate();
    await expect(service.get('logging')).resolves.toEqual(RUNTIME_DEFAULTS.logging);
  });
});
