import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import type { McpServerView, ResourceReadResult, ToolContentItem } from '@omni2/contracts';
import { Api } from '../core/api';
import { type ApiError, describeError, toApiError } from '../core/api-error';
import { availability } from '../core/permissions';
import { Session } from '../core/session.service';
import { formatMs } from '../shared/format';

/** Text as shown: pretty-printed when it is JSON. */
export type ShownText = { kind: 'text'; text: string } | { kind: 'json'; text: string };

/** Base64 contents: their size, a download link, and how to play them inline if at all. */
export interface ShownBlob {
  kind: 'blob';
  bytes: number;
  href: string;
  filename: string;
  media: 'image' | 'audio' | null;
}

/** A resource's contents (embedded in a result, or read from the server). */
export interface ShownResource {
  uri: string;
  mime: string | null;
  body: ShownText | ShownBlob | { kind: 'empty' };
}

export interface ShownLink {
  kind: 'link';
  uri: string;
  name: string;
  description: string | null;
  mime: string | null;
}

/** One MCP content item prepared for display. */
export type ShownItem =
  | ShownText
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'audio'; src: string; label: string }
  | { kind: 'resource'; resource: ShownResource }
  | ShownLink
  | { kind: 'other'; type: string; text: string };

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** JSON text (by its mime type or its look) pretty-printed; anything else as is. */
export function showText(text: string, mime: string | null = null): ShownText {
  const trimmed = text.trim();
  const looksJson = trimmed.startsWith('{') || trimmed.startsWith('[');
  if (looksJson || (mime !== null && /json/i.test(mime) && trimmed !== '')) {
    try {
      return { kind: 'json', text: JSON.stringify(JSON.parse(trimmed), null, 2) };
    } catch {
      // not JSON after all
    }
  }
  return { kind: 'text', text };
}

/** Bytes that a base64 string decodes to. */
export function base64Bytes(data: string): number {
  const clean = data.replace(/\s+/g, '');
  const padding = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** "512 bytes", "1.5 KB", "2.3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The file name a download of `uri` gets: its last path segment. */
function fileName(uri: string): string {
  const path = uri.replace(/[?#].*$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || 'resource';
  } catch {
    return last || 'resource';
  }
}

/** MCP `TextResourceContents` / `BlobResourceContents` prepared for display. */
export function showResource(contents: Record<string, unknown>): ShownResource {
  const uri = str(contents['uri']) ?? '';
  const mime = str(contents['mimeType']);
  const text = str(contents['text']);
  if (text !== null) return { uri, mime, body: showText(text, mime) };
  const blob = str(contents['blob']);
  if (blob !== null) {
    const type = mime ?? 'application/octet-stream';
    const media = type.startsWith('image/') ? 'image' : type.startsWith('audio/') ? 'audio' : null;
    return {
      uri,
      mime,
      body: {
        kind: 'blob',
        bytes: base64Bytes(blob),
        href: `data:${type};base64,${blob.replace(/\s+/g, '')}`,
        filename: fileName(uri),
        media,
      },
    };
  }
  return { uri, mime, body: { kind: 'empty' } };
}

/**
 * Every MCP content type: text (JSON pretty-printed), image and audio (data URLs), embedded
 * resources, resource links; anything else, or anything malformed, as JSON.
 */
export function showItem(item: ToolContentItem): ShownItem {
  const mime = str(item['mimeType']);
  const type = mime ?? 'application/octet-stream';
  switch (item.type) {
    case 'text': {
      const text = str(item['text']);
      if (text !== null) return showText(text);
      break;
    }
    case 'image': {
      const data = str(item['data']);
      if (data)
        return { kind: 'image', src: `data:${type};base64,${data}`, alt: `Image (${type})` };
      break;
    }
    case 'audio': {
      const data = str(item['data']);
      if (data)
        return { kind: 'audio', src: `data:${type};base64,${data}`, label: `Audio (${type})` };
      break;
    }
    case 'resource': {
      const resource = record(item['resource']);
      if (resource && str(resource['uri']) !== null) {
        return { kind: 'resource', resource: showResource(resource) };
      }
      break;
    }
    case 'resource_link': {
      const uri = str(item['uri']);
      if (uri !== null) {
        return {
          kind: 'link',
          uri,
          name: str(item['title']) || str(item['name']) || uri,
          description: str(item['description']),
          mime,
        };
      }
      break;
    }
    default:
      break;
  }
  return { kind: 'other', type: String(item.type), text: JSON.stringify(item, null, 2) };
}

/** Reads a resource through the gateway (`resources/read`). */
export function readResource(api: Api, serverId: string, uri: string): Promise<ResourceReadResult> {
  return api.post<ResourceReadResult>(`/mcp/servers/${serverId}/resources/read`, { uri });
}

/** A resource's contents: its uri and type, then the text, image, audio or blob. */
@Component({
  selector: 'o2-resource-body',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let r = resource();
    <div class="resource-body" data-testid="resource-body" [attr.data-kind]="r.body.kind">
      @if (showUri() || r.mime) {
        <div class="resource-head">
          @if (showUri()) {
            <code class="break">{{ r.uri }}</code>
          }
          @if (r.mime) {
            <span class="proto">{{ r.mime }}</span>
          }
        </div>
      }
      @let body = r.body;
      @switch (body.kind) {
        @case ('text') {
          <pre class="out">{{ body.text }}</pre>
        }
        @case ('json') {
          <pre class="out json">{{ body.text }}</pre>
        }
        @case ('blob') {
          @if (body.media === 'image') {
            <img class="out-image" [src]="body.href" [alt]="'Image resource ' + r.uri" />
          } @else if (body.media === 'audio') {
            <audio controls [src]="body.href" [attr.aria-label]="'Audio resource ' + r.uri"></audio>
          }
          <p class="small blob-line">
            <span>Binary contents, {{ size(body.bytes) }}</span>
            <a [href]="body.href" [attr.download]="body.filename" data-testid="blob-download"
              >Download {{ body.filename }}</a
            >
          </p>
        }
        @case ('empty') {
          <p class="muted small">No contents.</p>
        }
      }
    </div>
  `,
})
export class ResourceBody {
  readonly resource = input.required<ShownResource>();
  /** Off when the uri is already shown around it. */
  readonly showUri = input(true);

  protected size(bytes: number): string {
    return formatBytes(bytes);
  }
}

/** A resource link in a result: its name and uri, and Read when there is a server to ask. */
@Component({
  selector: 'o2-resource-link',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ResourceBody],
  template: `
    @let l = link();
    <div class="resource-link" data-testid="resource-link">
      <div class="resource-head">
        <span class="muted small">Link</span>
        <strong>{{ l.name }}</strong>
        <code class="break">{{ l.uri }}</code>
        @if (l.mime) {
          <span class="proto">{{ l.mime }}</span>
        }
        @if (server()) {
          <span class="action-wrap" [attr.title]="canRead().reason">
            <button
              type="button"
              class="btn small"
              data-testid="read-link"
              [attr.aria-label]="'Read ' + l.name"
              [disabled]="!canRead().enabled || reading()"
              (click)="read()"
            >
              @if (reading()) {
                <span class="spinner" aria-hidden="true"></span> Reading…
              } @else {
                Read
              }
            </button>
          </span>
        }
      </div>
      @if (l.description) {
        <p class="help">{{ l.description }}</p>
      }
      @if (error(); as e) {
        <p class="banner warn" role="alert" data-testid="read-error">
          Read failed:
          @if (e.code) {
            <code>{{ e.code }}</code>
          }
          {{ explain(e) }}
        </p>
      }
      @if (contents(); as cs) {
        <div class="read-contents" aria-live="polite">
          <span class="muted small">read in {{ ms() }}</span>
          @for (c of cs; track $index) {
            <o2-resource-body [resource]="c" [showUri]="c.uri !== l.uri" />
          } @empty {
            <p class="muted small">The server returned no contents.</p>
          }
        </div>
      }
    </div>
  `,
})
export class ResourceLinkView {
  private readonly api = inject(Api);
  private readonly session = inject(Session);

  readonly link = input.required<ShownLink>();
  /** The server to read the link from; without one there is no Read. */
  readonly server = input<McpServerView | null>(null);

  protected readonly reading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  private readonly result = signal<ResourceReadResult | null>(null);
  protected readonly contents = computed(
    () => this.result()?.contents.map((c) => showResource(c)) ?? null,
  );
  protected readonly canRead = computed(() => {
    const server = this.server();
    return server
      ? availability('read_resource', server, this.session.role())
      : { enabled: false, reason: '' };
  });

  protected ms(): string {
    return formatMs(this.result()?.duration_ms);
  }

  protected explain(error: ApiError): string {
    return describeError(error);
  }

  protected async read(): Promise<void> {
    const server = this.server();
    if (!server || this.reading()) return;
    this.reading.set(true);
    this.error.set(null);
    this.result.set(null);
    try {
      this.result.set(await readResource(this.api, server.id, this.link().uri));
    } catch (error) {
      this.error.set(toApiError(error));
    } finally {
      this.reading.set(false);
    }
  }
}

/**
 * MCP content items, each as its type calls for. Shared by tool results, prompt messages and
 * anything else that shows content; `server` enables Read on resource links.
 */
@Component({
  selector: 'o2-content',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ResourceBody, ResourceLinkView],
  template: `
    <div class="content-list">
      @for (item of shown(); track $index) {
        @switch (item.kind) {
          @case ('text') {
            <pre class="out" data-kind="text">{{ item.text }}</pre>
          }
          @case ('json') {
            <pre class="out json" data-kind="json">{{ item.text }}</pre>
          }
          @case ('image') {
            <img class="out-image" data-kind="image" [src]="item.src" [alt]="item.alt" />
          }
          @case ('audio') {
            <audio controls data-kind="audio" [src]="item.src" [attr.aria-label]="item.label">
              {{ item.label }}: this browser cannot play it.
            </audio>
          }
          @case ('resource') {
            <div class="embedded" data-kind="resource">
              <span class="muted small">Embedded resource</span>
              <o2-resource-body [resource]="item.resource" />
            </div>
          }
          @case ('link') {
            <o2-resource-link data-kind="link" [link]="item" [server]="server()" />
          }
          @case ('other') {
            <div class="content-other" data-kind="other">
              <span class="muted small"
                >Content of type <code>{{ item.type }}</code> shown as JSON</span
              >
              <pre class="out json">{{ item.text }}</pre>
            </div>
          }
        }
      }
    </div>
  `,
})
export class ContentView {
  readonly items = input.required<readonly ToolContentItem[]>();
  /** The server the content came from: resource links can then be read. */
  readonly server = input<McpServerView | null>(null);
  protected readonly shown = computed(() => this.items().map(showItem));
}
