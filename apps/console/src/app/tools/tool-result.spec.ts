import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { McpServerView, ToolContentItem, ToolExecutionResult } from '@omni2/contracts';
import { serverView, settle, signInAs, testProviders } from '../core/testing';
import { ToolResult, showItem } from './tool-result';

describe('showItem', () => {
  it('pretty-prints text that is JSON and keeps other text as is', () => {
    expect(showItem({ type: 'text', text: '{"a":1}' })).toEqual({
      kind: 'json',
      text: '{\n  "a": 1\n}',
    });
    expect(showItem({ type: 'text', text: '{not json' })).toEqual({
      kind: 'text',
      text: '{not json',
    });
    expect(showItem({ type: 'text', text: 'hello' })).toEqual({ kind: 'text', text: 'hello' });
  });

  it('turns images and audio into data URLs', () => {
    expect(showItem({ type: 'image', data: 'AAAA', mimeType: 'image/png' })).toEqual({
      kind: 'image',
      src: 'data:image/png;base64,AAAA',
      alt: 'Image (image/png)',
    });
    expect(showItem({ type: 'audio', data: 'AAAA', mimeType: 'audio/wav' })).toEqual({
      kind: 'audio',
      src: 'data:audio/wav;base64,AAAA',
      label: 'Audio (audio/wav)',
    });
  });

  it('shows embedded resources by their contents, text or blob', () => {
    expect(
      showItem({ type: 'resource', resource: { uri: 'x://y', mimeType: 'text/plain', text: 'b' } }),
    ).toEqual({
      kind: 'resource',
      resource: { uri: 'x://y', mime: 'text/plain', body: { kind: 'text', text: 'b' } },
    });
    expect(
      showItem({
        type: 'resource',
        resource: { uri: 'file:///data/report.bin', blob: 'AAECAwQ=' },
      }),
    ).toEqual({
      kind: 'resource',
      resource: {
        uri: 'file:///data/report.bin',
        mime: null,
        body: {
          kind: 'blob',
          bytes: 5,
          href: 'data:application/octet-stream;base64,AAECAwQ=',
          filename: 'report.bin',
          media: null,
        },
      },
    });
  });

  it('shows resource links by name and uri, and anything unknown or malformed as JSON', () => {
    expect(
      showItem({ type: 'resource_link', uri: 'x://y', name: 'y', description: 'the y' }),
    ).toEqual({ kind: 'link', uri: 'x://y', name: 'y', description: 'the y', mime: null });
    expect(showItem({ type: 'hologram', depth: 3 })).toEqual({
      kind: 'other',
      type: 'hologram',
      text: '{\n  "type": "hologram",\n  "depth": 3\n}',
    });
    expect(showItem({ type: 'image', mimeType: 'image/png' }).kind).toBe('other');
  });
});

describe('ToolResult', () => {
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: testProviders() });
    http = TestBed.inject(HttpTestingController);
    signInAs('operator');
  });

  function result(patch: Partial<ToolExecutionResult> = {}): ToolExecutionResult {
    return {
      status: 'complete',
      server_id: 'id-alpha',
      tool: 'add',
      is_error: false,
      content: [],
      structured_content: null,
      duration_ms: 3,
      output_validation: null,
      ...patch,
    };
  }

  async function render(r: ToolExecutionResult, server: McpServerView | null = null) {
    const fixture = TestBed.createComponent(ToolResult);
    fixture.componentRef.setInput('result', r);
    fixture.componentRef.setInput('server', server);
    await fixture.whenStable();
    const el = fixture.nativeElement as HTMLElement;
    const kind = (k: string) => el.querySelector<HTMLElement>(`[data-kind="${k}"]`);
    return { fixture, el, kind };
  }

  const content = (...items: ToolContentItem[]) => result({ content: items });

  it('renders text, pretty JSON, images and audio', async () => {
    const { el, kind } = await render(
      content(
        { type: 'text', text: 'plain words' },
        { type: 'text', text: '{"sum":5}' },
        { type: 'image', data: 'iVBORw0KGgo=', mimeType: 'image/png' },
        { type: 'audio', data: 'UklGRg==', mimeType: 'audio/wav' },
      ),
    );
    expect(kind('text')?.tagName).toBe('PRE');
    expect(kind('text')?.textContent).toBe('plain words');
    expect(kind('json')?.textContent).toBe('{\n  "sum": 5\n}');
    const img = kind('image') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgo=');
    expect(img.alt).toBe('Image (image/png)');
    const audio = kind('audio') as HTMLAudioElement;
    expect(audio.tagName).toBe('AUDIO');
    expect(audio.controls).toBe(true);
    expect(audio.getAttribute('src')).toBe('data:audio/wav;base64,UklGRg==');
    expect(audio.getAttribute('aria-label')).toBe('Audio (audio/wav)');
    expect(el.querySelector('[data-testid="output-verdict"]')).toBeNull();
  });

  it('renders an embedded text resource with its uri, and a blob as size and download', async () => {
    const { kind, el } = await render(
      content(
        {
          type: 'resource',
          resource: { uri: 'memo://notes', mimeType: 'application/json', text: '{"n":1}' },
        },
        {
          type: 'resource',
          resource: { uri: 'file:///tmp/dump.bin', mimeType: 'application/zip', blob: 'AAECAw==' },
        },
      ),
    );
    const bodies = el.querySelectorAll<HTMLElement>('[data-testid="resource-body"]');
    expect(bodies).toHaveLength(2);
    expect(kind('resource')?.textContent).toContain('Embedded resource');
    expect(bodies[0].textContent).toContain('memo://notes');
    expect(bodies[0].querySelector('pre')?.textContent).toBe('{\n  "n": 1\n}');
    expect(bodies[1].getAttribute('data-kind')).toBe('blob');
    expect(bodies[1].textContent).toContain('Binary contents, 4 bytes');
    const link = bodies[1].querySelector<HTMLAnchorElement>('[data-testid="blob-download"]')!;
    expect(link.getAttribute('href')).toBe('data:application/zip;base64,AAECAw==');
    expect(link.getAttribute('download')).toBe('dump.bin');
  });

  it('renders a resource link by name and uri, without Read when there is no server', async () => {
    const { kind } = await render(
      content({
        type: 'resource_link',
        uri: 'file:///logs/today.txt',
        name: 'today.txt',
        description: 'Today’s log',
        mimeType: 'text/plain',
      }),
    );
    const link = kind('link')!;
    expect(link.textContent).toContain('today.txt');
    expect(link.textContent).toContain('file:///logs/today.txt');
    expect(link.textContent).toContain('Today’s log');
    expect(link.querySelector('[data-testid="read-link"]')).toBeNull();
  });

  it('reads a resource link through the gateway when it knows the server', async () => {
    const { fixture, kind } = await render(
      content({ type: 'resource_link', uri: 'file:///logs/today.txt', name: 'today.txt' }),
      serverView(),
    );
    kind('link')!.querySelector<HTMLButtonElement>('[data-testid="read-link"]')!.click();
    const req = http.expectOne('/api/v1/mcp/servers/id-alpha/resources/read');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ uri: 'file:///logs/today.txt' });
    req.flush({
      server_id: 'id-alpha',
      uri: 'file:///logs/today.txt',
      contents: [{ uri: 'file:///logs/today.txt', mimeType: 'text/plain', text: 'all quiet' }],
      duration_ms: 2,
    });
    await settle(fixture);
    expect(kind('link')!.querySelector('[data-testid="resource-body"] pre')?.textContent).toBe(
      'all quiet',
    );
  });

  it('shows unknown content types as JSON, naming the type', async () => {
    const { kind } = await render(content({ type: 'hologram', depth: 3 }));
    expect(kind('other')?.textContent).toContain('hologram');
    expect(kind('other')?.querySelector('pre')?.textContent).toContain('"depth": 3');
  });

  it('shows structured content and a green verdict when it matches the output schema', async () => {
    const { el } = await render(
      result({
        content: [{ type: 'text', text: '5' }],
        structured_content: { sum: 5 },
        output_validation: { valid: true, errors: [] },
      }),
    );
    expect(el.querySelector('[data-testid="structured-content"]')?.textContent).toBe(
      '{\n  "sum": 5\n}',
    );
    const verdict = el.querySelector<HTMLElement>('[data-testid="output-verdict"]')!;
    expect(verdict.getAttribute('data-valid')).toBe('true');
    expect(verdict.classList).toContain('verdict-ok');
    expect(verdict.textContent).toContain('matches output schema');
    expect(verdict.textContent).not.toContain('does not');
  });

  it('shows an amber verdict with the field errors when it does not match', async () => {
    const { el } = await render(
      result({
        structured_content: { sum: 'five' },
        output_validation: {
          valid: false,
          errors: [{ field: 'structured_content.sum', message: 'must be number' }],
        },
      }),
    );
    const verdict = el.querySelector<HTMLElement>('[data-testid="output-verdict"]')!;
    expect(verdict.getAttribute('data-valid')).toBe('false');
    expect(verdict.classList).toContain('verdict-bad');
    expect(verdict.textContent).toContain('does not match output schema');
    const items = [...verdict.querySelectorAll('li')].map((li) =>
      li.textContent?.replace(/\s+/g, ' ').trim(),
    );
    expect(items).toEqual(['structured_content.sum must be number']);
  });

  it('shows no verdict when there is nothing to check', async () => {
    const { el } = await render(
      result({ is_error: true, content: [{ type: 'text', text: 'boom' }] }),
    );
    expect(el.querySelector('[data-testid="tool-result"]')?.getAttribute('data-outcome')).toBe(
      'tool-error',
    );
    expect(el.querySelector('[data-testid="output-verdict"]')).toBeNull();
    expect(el.querySelector('[data-testid="structured-content"]')).toBeNull();
  });
});
