import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { CapabilitiesView } from '@omni2/contracts';
import { serverView, settle, testProviders, signInAs } from '../core/testing';
import { ToolTester } from './tool-tester';

const caps: CapabilitiesView = {
  server_id: 'id-alpha',
  name: 'alpha',
  tools: [
    {
      name: 'add',
      description: 'Adds two numbers',
      input_schema: {
        type: 'object',
        required: ['a', 'b'],
        properties: { a: { type: 'number' }, b: { type: 'number' } },
      },
    },
  ],
  prompts: [],
  resources: [],
  cached_at: new Date().toISOString(),
  server_info: { name: 'testkit', version: '1.0.0' },
  protocol_version: '2025-11-25',
  cache_hint: null,
};

describe('ToolTester', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: testProviders(),
    });
    http = TestBed.inject(HttpTestingController);
    signInAs('operator');
  });

  async function render() {
    const fixture = TestBed.createComponent(ToolTester);
    fixture.componentRef.setInput('server', serverView());
    await fixture.whenStable();
    http.expectOne('/api/v1/mcp/servers/id-alpha/capabilities').flush(caps);
    await settle(fixture);
    return { fixture, el: fixture.nativeElement as HTMLElement };
  }

  const type = (el: HTMLElement, field: string, value: string) => {
    const input = el.querySelector<HTMLInputElement>(`[data-field="${field}"]`)!;
    input.value = value;
    input.dispatchEvent(new Event('input'));
  };

  it('lists tools, runs one with the form’s values and shows the result and duration', async () => {
    const { fixture, el } = await render();
    expect(el.textContent).toContain('Adds two numbers');
    el.querySelector<HTMLButtonElement>('[data-tool="add"]')!.click();
    await fixture.whenStable();
    type(el, 'a', '2');
    await fixture.whenStable();
    type(el, 'b', '3');
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.click();
    const req = http.expectOne('/api/v1/mcp/servers/id-alpha/tools/add/execute');
    expect(req.request.body).toEqual({ arguments: { a: 2, b: 3 } });
    req.flush({
      server_id: 'id-alpha',
      tool: 'add',
      is_error: false,
      content: [{ type: 'text', text: '5' }],
      structured_content: { sum: 5 },
      duration_ms: 7,
    });
    await settle(fixture);
    const result = el.querySelector('[data-testid="tool-result"]')!;
    expect(result.getAttribute('data-outcome')).toBe('ok');
    expect(result.textContent).toContain('5');
    expect(result.textContent).toContain('7 ms');
  });

  it('marks missing required fields instead of sending', async () => {
    const { fixture, el } = await render();
    el.querySelector<HTMLButtonElement>('[data-tool="add"]')!.click();
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.click();
    await fixture.whenStable();
    http.expectNone('/api/v1/mcp/servers/id-alpha/tools/add/execute');
    expect(el.querySelectorAll('.field-error').length).toBeGreaterThanOrEqual(2);
  });

  it('shows the API error with its code, and the upstream’s is_error', async () => {
    const { fixture, el } = await render();
    el.querySelector<HTMLButtonElement>('[data-tool="add"]')!.click();
    await fixture.whenStable();
    type(el, 'a', '1');
    await fixture.whenStable();
    type(el, 'b', '1');
    await fixture.whenStable();
    el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.click();
    http
      .expectOne('/api/v1/mcp/servers/id-alpha/tools/add/execute')
      .flush(
        { statusCode: 503, code: 'CIRCUIT_OPEN', message: 'circuit open until 12:00' },
        { status: 503, statusText: 'Service Unavailable' },
      );
    await settle(fixture);
    const result = el.querySelector('[data-testid="tool-result"]')!;
    expect(result.getAttribute('data-outcome')).toBe('api-error');
    expect(result.textContent).toContain('CIRCUIT_OPEN');
  });

  it('disables Run for a viewer, saying why', async () => {
    signInAs('viewer');
    const { fixture, el } = await render();
    el.querySelector<HTMLButtonElement>('[data-tool="add"]')!.click();
    await fixture.whenStable();
    const run = el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!;
    expect(run.disabled).toBe(true);
    expect(run.parentElement?.getAttribute('title')).toContain('Needs the operator role');
  });

  it('says why tools are unavailable instead of crashing', async () => {
    const fixture = TestBed.createComponent(ToolTester);
    fixture.componentRef.setInput('server', serverView());
    await fixture.whenStable();
    http
      .expectOne('/api/v1/mcp/servers/id-alpha/capabilities')
      .flush(
        { statusCode: 502, code: 'UPSTREAM_UNAVAILABLE', message: 'connect ECONNREFUSED' },
        { status: 502, statusText: 'Bad Gateway' },
      );
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelector('[data-testid="tools-unavailable"]')?.textContent).toContain(
      'ECONNREFUSED',
    );
  });
});
