import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { PromptView } from '@omni2/contracts';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
import { PromptGetter } from './prompt-getter';

const GET = '/api/v1/mcp/servers/id-alpha/prompts/code%20review/get';

const prompt: PromptView = {
  name: 'code review',
  description: 'Reviews a change',
  arguments: [
    { name: 'code', description: 'The code to review', required: true },
    { name: 'style', required: false },
  ],
};

describe('PromptGetter', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('operator');
  });

  afterEach(() => http.verify());

  async function render(p: PromptView = prompt) {
    const fixture = TestBed.createComponent(PromptGetter);
    fixture.componentRef.setInput('server', serverView());
    fixture.componentRef.setInput('prompt', p);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const q = <T extends HTMLElement>(sel: string) => el.querySelector<T>(sel);
    const type = async (name: string, value: string) => {
      const input = q<HTMLInputElement>(`[data-arg="${name}"]`)!;
      input.value = value;
      input.dispatchEvent(new Event('input'));
      await fixture.whenStable();
    };
    const open = async () => {
      q<HTMLButtonElement>('[data-testid="prompt-toggle"]')!.click();
      await fixture.whenStable();
    };
    const get = async () => {
      q<HTMLButtonElement>('[data-testid="prompt-get"]')!.click();
      await fixture.whenStable();
    };
    return { fixture, el, q, type, open, get };
  }

  it('shows a form of the arguments with the required ones marked', async () => {
    const { el, q, open } = await render();
    expect(el.querySelector('form')).toBeNull();
    await open();
    expect(q('[data-testid="prompt-toggle"]')?.getAttribute('aria-expanded')).toBe('true');
    const code = q<HTMLInputElement>('[data-arg="code"]')!;
    const style = q<HTMLInputElement>('[data-arg="style"]')!;
    expect(code.type).toBe('text');
    expect(code.getAttribute('aria-required')).toBe('true');
    expect(code.closest('label')?.querySelector('.req')).not.toBeNull();
    expect(code.closest('label')?.textContent).toContain('The code to review');
    expect(style.getAttribute('aria-required')).toBeNull();
    expect(style.closest('label')?.querySelector('.req')).toBeNull();
  });

  it('does not send with a required argument empty', async () => {
    const { q, open, get } = await render();
    await open();
    await get();
    http.expectNone(GET);
    const code = q<HTMLInputElement>('[data-arg="code"]')!;
    expect(code.getAttribute('aria-invalid')).toBe('true');
    expect(code.closest('label')?.querySelector('.field-error')?.textContent).toBe('required');
  });

  it('posts the arguments (empty optional ones left out) and shows the messages', async () => {
    const { fixture, q, type, open, get } = await render();
    await open();
    await type('code', 'let x = 1');
    await get();
    const req = http.expectOne(GET);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ arguments: { code: 'let x = 1' } });
    req.flush({
      server_id: 'id-alpha',
      prompt: 'code review',
      description: 'A review of one change',
      messages: [
        { role: 'user', content: { type: 'text', text: 'Please review: let x = 1' } },
        {
          role: 'assistant',
          content: { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        },
        {
          role: 'user',
          content: { type: 'resource', resource: { uri: 'file:///style.md', text: '# Style' } },
        },
      ],
      duration_ms: 6,
    });
    await settle(fixture);
    const result = q('[data-testid="prompt-result"]')!;
    expect(result.textContent).toContain('A review of one change');
    expect(result.textContent).toContain('3 messages · rendered in 6 ms');
    const messages = [...result.querySelectorAll<HTMLElement>('.message')];
    expect(messages.map((m) => m.querySelector('.role-badge')?.textContent?.trim())).toEqual([
      'user',
      'assistant',
      'user',
    ]);
    expect(messages[0].querySelector('pre')?.textContent).toBe('Please review: let x = 1');
    expect(messages[1].querySelector('img')?.getAttribute('src')).toBe(
      'data:image/png;base64,iVBORw0KGgo=',
    );
    expect(messages[2].textContent).toContain('file:///style.md');
    expect(messages[2].querySelector('pre')?.textContent).toBe('# Style');
  });

  it('shows the API’s error, field errors by their argument', async () => {
    const { fixture, q, type, open, get } = await render();
    await open();
    await type('code', 'x');
    await type('style', 'terse');
    await get();
    http.expectOne(GET).flush(
      {
        statusCode: 400,
        code: 'VALIDATION_FAILED',
        message: 'Invalid request body',
        errors: [{ field: 'arguments.style', message: 'must be one of: strict, lenient' }],
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await settle(fixture);
    expect(q('[data-testid="prompt-error"]')?.textContent).toContain('Invalid request body');
    const style = q<HTMLInputElement>('[data-arg="style"]')!;
    expect(style.closest('label')?.querySelector('.field-error')?.textContent).toBe(
      'must be one of: strict, lenient',
    );
    await get();
    http
      .expectOne(GET)
      .flush(
        { statusCode: 502, code: 'UPSTREAM_UNAVAILABLE', message: 'Prompt not found: code review' },
        { status: 502, statusText: 'Bad Gateway' },
      );
    await settle(fixture);
    const error = q('[data-testid="prompt-error"]')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('UPSTREAM_UNAVAILABLE');
    expect(error.textContent).toContain('Prompt not found: code review');
    expect(q('[data-testid="prompt-result"]')).toBeNull();
  });

  it('gets a prompt without arguments with an empty object', async () => {
    const { fixture, el, open, get } = await render({ name: 'code review', arguments: [] });
    await open();
    expect(el.textContent).toContain('This prompt takes no arguments.');
    await get();
    const req = http.expectOne(GET);
    expect(req.request.body).toEqual({ arguments: {} });
    req.flush({
      server_id: 'id-alpha',
      prompt: 'code review',
      description: null,
      messages: [],
      duration_ms: 1,
    });
    await settle(fixture);
    expect(el.textContent).toContain('The server returned no messages.');
  });

  it('disables Get for a viewer, saying why', async () => {
    signInAs('viewer');
    const { q } = await render();
    const toggle = q<HTMLButtonElement>('[data-testid="prompt-toggle"]')!;
    expect(toggle.disabled).toBe(true);
    expect(toggle.parentElement?.getAttribute('title')).toContain('Needs the operator role');
  });
});
