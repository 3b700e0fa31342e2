import { HttpEventType } from '@angular/common/http';
import { HttpTestingController, type TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { CapabilitiesView, ToolInputRequiredResult } from '@omni2/contracts';
import { serverView, settle, testProviders, signInAs } from '../core/testing';
import { ToolTester } from './tool-tester';

/**
 * A new run is streamed (responseType text, Accept: text/event-stream): a plain JSON answer is
 * flushed as its text, as the gateway sends it to a run that never reached the server.
 */
function flushRun(
  req: TestRequest,
  body: unknown,
  init: { status?: number; statusText?: string } = {},
) {
  req.flush(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json' },
  });
}

/** The SSE text of events, as the gateway writes them. */
function sse(...events: [string, unknown][]): string {
  return events
    .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    .join('');
}

const caps: CapabilitiesView = {
  server_id: 'id-alpha',
  name: 'alpha',
  tools: [
    {
      name: 'order',
      description: 'Orders a pizza, asking what kind',
      input_schema: { type: 'object', properties: {} },
    },
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

  it('picks initialTool once the tools are known, and the operator’s pick after that', async () => {
    const fixture = TestBed.createComponent(ToolTester);
    fixture.componentRef.setInput('server', serverView());
    fixture.componentRef.setInput('initialTool', 'add');
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const picked = () =>
      Array.from(el.querySelectorAll('[data-tool].selected')).map((b) =>
        b.getAttribute('data-tool'),
      );
    expect(picked()).toEqual([]);
    http.expectOne('/api/v1/mcp/servers/id-alpha/capabilities').flush(caps);
    await settle(fixture);
    expect(picked()).toEqual(['add']);
    expect(el.querySelector('[data-field="a"]')).not.toBeNull();
    el.querySelector<HTMLButtonElement>('[data-tool="order"]')!.click();
    await fixture.whenStable();
    expect(picked()).toEqual(['order']);
    expect(el.querySelector('[data-field="a"]')).toBeNull();
  });

  it('picks nothing for an initialTool the server does not have', async () => {
    const fixture = TestBed.createComponent(ToolTester);
    fixture.componentRef.setInput('server', serverView());
    fixture.componentRef.setInput('initialTool', 'gone');
    await fixture.whenStable();
    http.expectOne('/api/v1/mcp/servers/id-alpha/capabilities').flush(caps);
    await settle(fixture);
    const el = fixture.nativeElement as HTMLElement;
    expect(el.querySelectorAll('[data-tool].selected')).toHaveLength(0);
    expect(el.textContent).toContain('Pick a tool to test it.');
  });

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
    expect(req.request.headers.get('Accept')).toBe('text/event-stream');
    flushRun(req, {
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
    flushRun(
      http.expectOne('/api/v1/mcp/servers/id-alpha/tools/add/execute'),
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
  describe('when the server asks a question mid-run', () => {
    const execute = '/api/v1/mcp/servers/id-alpha/tools/order/execute';
    const done = {
      status: 'complete',
      server_id: 'id-alpha',
      tool: 'order',
      is_error: false,
      content: [{ type: 'text', text: 'ordered' }],
      structured_content: null,
      duration_ms: 12,
    };

    function question(patch: Partial<ToolInputRequiredResult> = {}): ToolInputRequiredResult {
      return {
        status: 'input_required',
        server_id: 'id-alpha',
        tool: 'order',
        input_token: 'tok-1',
        input_request: {
          kind: 'elicitation',
          message: 'Which pizza?',
          requested_schema: {
            type: 'object',
            required: ['name', 'size'],
            properties: {
              name: { type: 'string', title: 'Your name' },
              size: {
                type: 'string',
                title: 'Size',
                oneOf: [
                  { const: 's', title: 'Small' },
                  { const: 'l', title: 'Large' },
                ],
                default: 'l',
              },
              crust: { type: 'string', enum: ['thin', 'deep'], enumNames: ['Thin', 'Deep dish'] },
              count: { type: 'integer', title: 'How many', minimum: 1, default: 2 },
              gift: { type: 'boolean', title: 'Gift wrap', default: false },
              toppings: {
                type: 'array',
                title: 'Toppings',
                items: {
                  anyOf: [
                    { const: 'ch', title: 'Cheese' },
                    { const: 'mu', title: 'Mushroom' },
                  ],
                },
              },
              note: { type: 'string', title: 'Note' },
            },
          },
        },
        expires_at: new Date(Date.now() + 5 * 60_000).toISOString(),
        ...patch,
      };
    }

    /** Runs `order` and answers the run with `first` (the question, by default). */
    async function ask(first: object = question()) {
      const { fixture, el } = await render();
      el.querySelector<HTMLButtonElement>('[data-tool="order"]')!.click();
      await fixture.whenStable();
      el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.click();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({ arguments: {} });
      flushRun(req, first);
      await settle(fixture);
      return { fixture, el };
    }

    const button = (el: HTMLElement, action: string) =>
      el.querySelector<HTMLButtonElement>(`[data-answer="${action}"]`)!;
    const shown = (el: HTMLElement) => el.querySelector('[data-testid="tool-question"]');

    it('shows the message and a form with titles, titled options, defaults and required marks', async () => {
      const { el } = await ask();
      const q = shown(el)!;
      expect(q.textContent).toContain('Which pizza?');
      expect(q.querySelector('[data-testid="question-expiry"]')?.textContent).toContain(
        'expires in 5 min',
      );
      expect(el.querySelector('[data-testid="tool-result"]')).toBeNull();
      const labels = [...q.querySelectorAll('label.field .label')].map((l) => l.textContent);
      expect(labels.join('|')).toContain('Your name');
      const size = q.querySelector<HTMLSelectElement>('select[data-field="size"]')!;
      const options = [...size.options].map((o) => o.textContent?.trim());
      expect(options).toEqual(['Small', 'Large']);
      expect(size.selectedOptions[0]?.textContent?.trim()).toBe('Large');
      const crust = [...q.querySelectorAll('select[data-field="crust"] option')];
      expect(crust.map((o) => o.textContent?.trim())).toEqual(['(none)', 'Thin', 'Deep dish']);
      expect(q.querySelector<HTMLInputElement>('input[data-field="count"]')!.value).toBe('2');
      expect(q.querySelector<HTMLInputElement>('input[data-field="gift"]')!.checked).toBe(false);
      const toppings = q.querySelector('[data-field="toppings"]')!;
      expect(toppings.textContent).toContain('Mushroom');
      expect(toppings.querySelectorAll('input[type="checkbox"]')).toHaveLength(2);
      expect(q.querySelectorAll('.req')).toHaveLength(2);
      expect(q.querySelector('input[data-field="name"]')?.getAttribute('aria-required')).toBe(
        'true',
      );
      // Focus goes to the question's first field; Run waits for the answer.
      expect(document.activeElement).toBe(q.querySelector('input[data-field="name"]'));
      expect(el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.disabled).toBe(true);
      expect(el.textContent).toContain('waiting for your answer');
    });

    it('accepts with the filled-in content (empty optional fields left out), then shows the result', async () => {
      const { fixture, el } = await ask();
      type(el, 'name', 'Ada');
      await fixture.whenStable();
      const mushroom = el.querySelector<HTMLInputElement>(
        '[data-field="toppings"] input[data-option="1"]',
      )!;
      mushroom.click();
      await fixture.whenStable();
      button(el, 'accept').click();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({
        input_token: 'tok-1',
        input_response: {
          action: 'accept',
          content: { name: 'Ada', size: 'l', count: 2, gift: false, toppings: ['mu'] },
        },
      });
      req.flush(done);
      await settle(fixture);
      expect(shown(el)).toBeNull();
      const result = el.querySelector('[data-testid="tool-result"]')!;
      expect(result.getAttribute('data-outcome')).toBe('ok');
      expect(result.textContent).toContain('ordered');
      expect(el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.disabled).toBe(false);
    });

    it('does not send an accept with a required field empty', async () => {
      const { fixture, el } = await ask();
      button(el, 'accept').click();
      await fixture.whenStable();
      http.expectNone(execute);
      const name = el.querySelector('input[data-field="name"]')!.closest('label')!;
      expect(name.querySelector('.field-error')?.textContent).toContain('is required');
    });

    it('declines with the action only and shows what the tool made of it', async () => {
      const { fixture, el } = await ask();
      button(el, 'decline').click();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({
        input_token: 'tok-1',
        input_response: { action: 'decline' },
      });
      req.flush({ ...done, is_error: true, content: [{ type: 'text', text: 'no pizza then' }] });
      await settle(fixture);
      expect(shown(el)).toBeNull();
      const result = el.querySelector('[data-testid="tool-result"]')!;
      expect(result.getAttribute('data-outcome')).toBe('tool-error');
      expect(result.textContent).toContain('no pizza then');
    });

    it('cancels with the action only', async () => {
      const { fixture, el } = await ask();
      button(el, 'cancel').click();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({
        input_token: 'tok-1',
        input_response: { action: 'cancel' },
      });
      req.flush(done);
      await settle(fixture);
      expect(shown(el)).toBeNull();
    });

    it('shows the gateway’s field errors by their fields and keeps the question open', async () => {
      const { fixture, el } = await ask();
      type(el, 'name', 'Al');
      await fixture.whenStable();
      button(el, 'accept').click();
      http.expectOne(execute).flush(
        {
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'input_response.content.name: must NOT have fewer than 3 characters',
          errors: [
            {
              field: 'input_response.content.name',
              message: 'must NOT have fewer than 3 characters',
            },
          ],
        },
        { status: 400, statusText: 'Bad Request' },
      );
      await settle(fixture);
      expect(shown(el)).not.toBeNull();
      const name = el.querySelector('input[data-field="name"]')!;
      expect(name.getAttribute('aria-invalid')).toBe('true');
      expect(name.closest('label')!.querySelector('.field-error')?.textContent).toContain(
        'fewer than 3 characters',
      );
      // Corrected, the same question (same token) is answered again.
      type(el, 'name', 'Alan');
      await fixture.whenStable();
      button(el, 'accept').click();
      const again = http.expectOne(execute);
      expect(again.request.body.input_token).toBe('tok-1');
      expect(again.request.body.input_response.content.name).toBe('Alan');
      again.flush(done);
      await settle(fixture);
      expect(el.querySelector('[data-testid="tool-result"]')).not.toBeNull();
    });

    it('says the question expired or was answered on a 404, and lets the user run again', async () => {
      const { fixture, el } = await ask();
      button(el, 'decline').click();
      http.expectOne(execute).flush(
        {
          statusCode: 404,
          code: 'TOOL_INPUT_NOT_FOUND',
          message: 'input_token: no tool run is waiting for this answer',
        },
        { status: 404, statusText: 'Not Found' },
      );
      await settle(fixture);
      expect(shown(el)).toBeNull();
      const gone = el.querySelector('[data-testid="question-gone"]')!;
      expect(gone.textContent).toContain('expired');
      expect(gone.textContent).toContain('already answered');
      const runAgain = gone.querySelector<HTMLButtonElement>('button')!;
      expect(document.activeElement).toBe(runAgain);
      expect(el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.disabled).toBe(false);
      runAgain.click();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({ arguments: {} });
      flushRun(req, done);
      await settle(fixture);
      expect(el.querySelector('[data-testid="question-gone"]')).toBeNull();
      expect(el.querySelector('[data-testid="tool-result"]')).not.toBeNull();
    });

    it('shows the next question after an answer, and answers it with its own token', async () => {
      const { fixture, el } = await ask();
      type(el, 'name', 'Ada');
      await fixture.whenStable();
      button(el, 'accept').click();
      http.expectOne(execute).flush(
        question({
          input_token: 'tok-2',
          input_request: {
            kind: 'elicitation',
            message: 'Where to?',
            requested_schema: {
              type: 'object',
              required: ['email'],
              properties: { email: { type: 'string', format: 'email', title: 'E-mail' } },
            },
          },
        }),
      );
      await settle(fixture);
      const q = shown(el)!;
      expect(q.textContent).toContain('Where to?');
      expect(q.textContent).not.toContain('Which pizza?');
      const email = q.querySelector<HTMLInputElement>('input[data-field="email"]')!;
      expect(email.type).toBe('email');
      expect(q.querySelector('[data-field="name"]')).toBeNull();
      expect(document.activeElement).toBe(email);
      type(el, 'email', 'ada@example.com');
      await fixture.whenStable();
      button(el, 'accept').click();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({
        input_token: 'tok-2',
        input_response: { action: 'accept', content: { email: 'ada@example.com' } },
      });
      req.flush(done);
      await settle(fixture);
      expect(el.querySelector('[data-testid="tool-result"]')?.textContent).toContain('ordered');
    });

    it('treats a result without a status as complete', async () => {
      const { el } = await ask({ ...done, status: undefined });
      expect(shown(el)).toBeNull();
      expect(el.querySelector('[data-testid="tool-result"]')?.getAttribute('data-outcome')).toBe(
        'ok',
      );
    });

    it('cancels the open question when another tool is picked', async () => {
      const { fixture, el } = await ask();
      el.querySelector<HTMLButtonElement>('[data-tool="add"]')!.click();
      await fixture.whenStable();
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({
        input_token: 'tok-1',
        input_response: { action: 'cancel' },
      });
      expect(shown(el)).toBeNull();
      expect(el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.disabled).toBe(false);
    });
  });
  describe('a long run', () => {
    const execute = '/api/v1/mcp/servers/id-alpha/tools/order/execute';
    const started = { run_id: 'r.1', server_id: 'id-alpha', tool: 'order', timeout_seconds: 30 };
    const done = {
      status: 'complete',
      server_id: 'id-alpha',
      tool: 'order',
      is_error: false,
      content: [{ type: 'text', text: 'counted 5' }],
      structured_content: null,
      duration_ms: 2500,
      output_validation: null,
    };

    async function start(timeout?: string) {
      const { fixture, el } = await render();
      el.querySelector<HTMLButtonElement>('[data-tool="order"]')!.click();
      await fixture.whenStable();
      if (timeout !== undefined) {
        type(el, 'timeout_seconds', timeout);
        await fixture.whenStable();
      }
      el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.click();
      await settle(fixture);
      return { fixture, el };
    }

    /** Sends the stream so far to the tester, as HttpClient reports a growing body. */
    function stream(req: TestRequest) {
      let text = '';
      return {
        push(...events: [string, unknown][]) {
          text += sse(...events);
          req.event({
            type: HttpEventType.DownloadProgress,
            loaded: text.length,
            partialText: text,
          });
        },
        end(...events: [string, unknown][]) {
          text += sse(...events);
          req.flush(text, { headers: { 'content-type': 'text/event-stream' } });
        },
      };
    }

    const cancelButton = (el: HTMLElement) =>
      el.querySelector<HTMLButtonElement>('[data-testid="cancel-run"]')!;

    it('shows progress as it comes (a bar when the total is known) and the time, then the result', async () => {
      const { fixture, el } = await start();
      expect(cancelButton(el).disabled).toBe(false);
      expect(el.querySelector('[data-testid="run-progress"]')?.textContent).toContain(
        'No progress reported yet',
      );
      const s = stream(http.expectOne(execute));
      s.push(['run', started], ['progress', { progress: 2, total: 5, message: 'step 2 of 5' }]);
      await settle(fixture);
      const bar = el.querySelector<HTMLProgressElement>('[data-testid="progress-bar"]')!;
      expect([bar.value, bar.max]).toEqual([2, 5]);
      expect(el.querySelector('[data-testid="progress-count"]')?.textContent).toContain('2 / 5');
      expect(el.querySelector('[data-testid="progress-message"]')?.textContent).toContain(
        'step 2 of 5',
      );
      expect(el.querySelector('[data-testid="run-elapsed"]')?.textContent).toContain('elapsed');
      s.push(['progress', { progress: 3, total: 5, message: 'step 3 of 5' }]);
      await settle(fixture);
      expect(el.querySelector<HTMLProgressElement>('[data-testid="progress-bar"]')!.value).toBe(3);
      s.end(['result', done]);
      await settle(fixture);
      expect(el.querySelector('[data-testid="run-progress"]')).toBeNull();
      expect(cancelButton(el).disabled).toBe(true);
      const result = el.querySelector('[data-testid="tool-result"]')!;
      expect(result.getAttribute('data-outcome')).toBe('ok');
      expect(result.textContent).toContain('counted 5');
    });

    it('shows a count and the message when the server names no total', async () => {
      const { fixture, el } = await start();
      const s = stream(http.expectOne(execute));
      s.push(['run', started], ['progress', { progress: 7, total: null, message: 'working' }]);
      await settle(fixture);
      expect(el.querySelector('[data-testid="progress-bar"]')).toBeNull();
      expect(el.querySelector('[data-testid="progress-count"]')?.textContent).toContain('7 so far');
      expect(el.querySelector('[data-testid="progress-message"]')?.textContent).toContain(
        'working',
      );
      s.end(['result', done]);
      await settle(fixture);
    });

    it('cancels by run id and shows the run as Cancelled, calmly', async () => {
      const { fixture, el } = await start();
      const s = stream(http.expectOne(execute));
      s.push(['run', started], ['progress', { progress: 1, total: 5, message: null }]);
      await settle(fixture);
      cancelButton(el).click();
      await settle(fixture);
      expect(cancelButton(el).disabled).toBe(true);
      const cancel = http.expectOne('/api/v1/mcp/servers/id-alpha/tools/order/runs/r.1/cancel');
      expect(cancel.request.method).toBe('POST');
      cancel.flush({ run_id: 'r.1', cancelled: true });
      s.end([
        'result',
        {
          status: 'cancelled',
          server_id: 'id-alpha',
          tool: 'order',
          run_id: 'r.1',
          reason: 'cancelled by the caller',
          duration_ms: 1500,
        },
      ]);
      await settle(fixture);
      const result = el.querySelector('[data-testid="tool-result"]')!;
      expect(result.getAttribute('data-outcome')).toBe('cancelled');
      expect(result.textContent).toContain('Cancelled');
      expect(result.textContent).toContain('does not count against it');
      expect(result.classList.contains('result-error')).toBe(false);
      expect(el.querySelector('[role="alert"]')).toBeNull();
      expect(el.querySelector('[data-testid="run-progress"]')).toBeNull();
      expect(el.querySelector<HTMLButtonElement>('[data-testid="run-tool"]')!.disabled).toBe(false);
    });

    it('closes the stream when cancelled before the run has an id', async () => {
      const { fixture, el } = await start();
      const req = http.expectOne(execute);
      cancelButton(el).click();
      await settle(fixture);
      expect(req.cancelled).toBe(true);
      expect(el.querySelector('[data-testid="tool-result"]')?.getAttribute('data-outcome')).toBe(
        'cancelled',
      );
    });

    it('sends the chosen timeout, and shows a refused one under its field', async () => {
      const { fixture, el } = await start('5');
      const req = http.expectOne(execute);
      expect(req.request.body).toEqual({ arguments: {}, timeout_seconds: 5 });
      flushRun(
        req,
        {
          statusCode: 400,
          code: 'VALIDATION_FAILED',
          message: 'timeout_seconds: must be at most 3',
          errors: [{ field: 'timeout_seconds', message: 'must be at most 3' }],
        },
        { status: 400, statusText: 'Bad Request' },
      );
      await settle(fixture);
      const field = el.querySelector('input[data-field="timeout_seconds"]')!;
      expect(field.getAttribute('aria-invalid')).toBe('true');
      expect(field.closest('label')!.querySelector('.field-error')?.textContent).toContain(
        'at most 3',
      );
    });

    it('does not send a timeout that is not a whole number of seconds', async () => {
      const { el } = await start('1.5');
      http.expectNone(execute);
      expect(
        el.querySelector('input[data-field="timeout_seconds"]')!.closest('label')!.textContent,
      ).toContain('whole number');
    });

    it('closes the stream (cancelling the run) when the tester goes away mid-run', async () => {
      const { fixture } = await start();
      const req = http.expectOne(execute);
      stream(req).push(['run', started]);
      await settle(fixture);
      fixture.destroy();
      expect(req.cancelled).toBe(true);
    });
  });
});
