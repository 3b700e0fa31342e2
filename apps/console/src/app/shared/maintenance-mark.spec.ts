import { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { MaintenanceWindows } from '../core/alerts.data';
import { Clock } from '../core/clock.service';
import { Realtime } from '../core/realtime.service';
import { event, serverView, settle, testProviders, windowView } from '../core/testing';
import { MaintenanceMark } from './maintenance-mark';

describe('MaintenanceMark', () => {
  let http: HttpTestingController;
  const now = signal(Date.parse('2026-06-01T12:00:00.000Z'));

  beforeEach(() => {
    now.set(Date.parse('2026-06-01T12:00:00.000Z'));
    TestBed.configureTestingModule({
      providers: testProviders({ provide: Clock, useValue: { now } }),
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('marks a covered server while the window is on, naming it and its end in the tooltip', async () => {
    TestBed.inject(MaintenanceWindows).ensureLoaded();
    http
      .expectOne('/api/v1/maintenance-windows')
      .flush([windowView({ name: 'alpha-only', server_scope: 'pattern', name_pattern: 'alph?' })]);
    const fixture = TestBed.createComponent(MaintenanceMark);
    fixture.componentRef.setInput('server', serverView());
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    const mark = () => el.querySelector('[data-testid="maintenance"]');
    expect(mark()?.textContent?.trim()).toBe('maintenance');
    expect(mark()?.getAttribute('title')).toMatch(/^In maintenance .*: alpha-only until .+$/);

    // Another server is not covered.
    fixture.componentRef.setInput('server', serverView({ id: 'id-beta', name: 'beta' }));
    await settle(fixture);
    expect(mark()).toBeNull();

    // The occurrence ends: the mark goes.
    fixture.componentRef.setInput('server', serverView());
    await settle(fixture);
    expect(mark()).not.toBeNull();
    now.set(Date.parse('2026-06-01T13:00:00.000Z'));
    await settle(fixture);
    expect(mark()).toBeNull();
  });

  it('appears when a window is added elsewhere (an alerts change on the stream)', async () => {
    TestBed.inject(MaintenanceWindows).ensureLoaded();
    http.expectOne('/api/v1/maintenance-windows').flush([]);
    const fixture = TestBed.createComponent(MaintenanceMark);
    fixture.componentRef.setInput('server', serverView());
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="maintenance"]')).toBeNull();
    TestBed.inject(Realtime).accept(
      event('mcp_config_changed', { key: 'alerts', action: 'updated', server: null }),
    );
    http.expectOne('/api/v1/maintenance-windows').flush([windowView()]);
    await settle(fixture);
    expect(el.querySelector('[data-testid="maintenance"]')).not.toBeNull();
  });
});
