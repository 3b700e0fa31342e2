import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { ResourceReadResult, ResourceView } from '@omni2/contracts';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
import { ResourceReader } from './resource-reader';

const READ = '/api/v1/mcp/servers/id-alpha/resources/read';

describe('ResourceReader', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('operator');
  });

  afterEach(() => http.verify());

  async function render(resource: Partial<ResourceView> = {}, server = serverView()) {
    const fixture = TestBed.createComponent(ResourceReader);
    fixture.componentRef.setInput('server', server);
    fixture.componentRef.setInput('resource', {
      uri: 'file:///notes.txt',
      name: 'notes',
      description: 'Shared notes',
      mime_type: 'text/plain',
      ...resource,
    });
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const button = () => el.querySelector<HTMLButtonElement>('[data-testid="resource-read"]')!;
    const panel = () => el.querySelector<HTMLElement>('[data-testid="resource-panel"]');
    return { fixture, el, button, panel };
  }

  /** MCP resource contents carry no `type`: `{ uri, mimeType?, text }` or `{ …, blob }`. */
  function contents(...items: Record<string, unknown>[]): ResourceReadResult {
    return {
      server_id: 'id-alpha',
      uri: 'file:///notes.txt',
      contents: items as ResourceReadResult['contents'],
      duration_ms: 4,
    };
  }

  it('reads the resource and shows its text, then hides it', async () => {
    const { fixture, el, button, panel } = await render();
    expect(el.textContent).toContain('Shared notes');
    expect(button().getAttribute('aria-expanded')).toBe('false');
    button().click();
    const req = http.expectOne(READ);
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ uri: 'file:///notes.txt' });
    await fixture.whenStable();
    expect(panel()?.getAttribute('aria-busy')).toBe('true');
    expect(panel()?.textContent).toContain('Reading…');
    req.flush(contents({ uri: 'file:///notes.txt', mimeType: 'text/plain', text: 'buy milk' }));
    await settle(fixture);
    expect(button().getAttribute('aria-expanded')).toBe('true');
    expect(button().getAttribute('aria-controls')).toBe(panel()?.id);
    expect(panel()?.querySelector('pre')?.textContent).toBe('buy milk');
    expect(panel()?.textContent).toContain('1 item · read in 4 ms');
    button().click();
    await fixture.whenStable();
    expect(panel()).toBeNull();
  });

  it('pretty-prints JSON, renders images and offers blobs as a download', async () => {
    const { fixture, button, panel } = await render({ uri: 'app://bundle' });
    button().click();
    http
      .expectOne(READ)
      .flush(
        contents(
          { uri: 'app://bundle/config', mimeType: 'application/json', text: '{"debug":true}' },
          { uri: 'app://bundle/logo.png', mimeType: 'image/png', blob: 'iVBORw0KGgo=' },
          { uri: 'app://bundle/data.bin', blob: 'AAECAw==' },
        ),
      );
    await settle(fixture);
    const bodies = panel()!.querySelectorAll<HTMLElement>('[data-testid="resource-body"]');
    expect(bodies).toHaveLength(3);
    expect(bodies[0].querySelector('pre')?.textContent).toBe('{\n  "debug": true\n}');
    expect(bodies[0].textContent).toContain('app://bundle/config');
    const img = bodies[1].querySelector<HTMLImageElement>('img')!;
    expect(img.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(img.alt).toContain('app://bundle/logo.png');
    expect(bodies[2].textContent).toContain('Binary contents, 4 bytes');
    const download = bodies[2].querySelector<HTMLAnchorElement>('[data-testid="blob-download"]')!;
    expect(download.getAttribute('download')).toBe('data.bin');
    expect(download.getAttribute('href')).toBe('data:application/octet-stream;base64,AAECAw==');
  });

  it('shows the API’s error when the server refuses, and reads again on request', async () => {
    const { fixture, button, panel } = await render();
    button().click();
    http
      .expectOne(READ)
      .flush(
        { statusCode: 502, code: 'UPSTREAM_UNAVAILABLE', message: 'Resource not found: notes' },
        { status: 502, statusText: 'Bad Gateway' },
      );
    await settle(fixture);
    const error = panel()!.querySelector<HTMLElement>('[data-testid="resource-error"]')!;
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.textContent).toContain('UPSTREAM_UNAVAILABLE');
    expect(error.textContent).toContain('Resource not found: notes');
    panel()!.querySelector<HTMLButtonElement>('[data-testid="resource-reread"]')!.click();
    http.expectOne(READ).flush(contents({ uri: 'file:///notes.txt', text: 'back' }));
    await settle(fixture);
    expect(panel()!.querySelector('[data-testid="resource-error"]')).toBeNull();
    expect(panel()!.querySelector('pre')?.textContent).toBe('back');
  });

  it('disables Read for a viewer and while the circuit is open, saying why', async () => {
    signInAs('viewer');
    const viewer = await render();
    expect(viewer.button().disabled).toBe(true);
    expect(viewer.button().parentElement?.getAttribute('title')).toContain(
      'Needs the operator role',
    );
    signInAs('operator');
    const open = await render({}, serverView({ circuit_state: 'open' }));
    expect(open.button().disabled).toBe(true);
    expect(open.button().parentElement?.getAttribute('title')).toContain('Circuit is open');
  });
});
