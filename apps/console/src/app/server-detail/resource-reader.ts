import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import type { McpServerView, ResourceReadResult, ResourceView } from '@omni2/contracts';
import { Api } from '../core/api';
import { type ApiError, describeError, toApiError } from '../core/api-error';
import { availability } from '../core/permissions';
import { Session } from '../core/session.service';
import { formatMs } from '../shared/format';
import { ResourceBody, readResource, showResource } from '../tools/content-view';

let panelSeq = 0;

/**
 * One resource of the capabilities list, with Read: the contents open below it (text, JSON
 * pretty-printed, images, blobs as size and download), or why the server refused.
 */
@Component({
  selector: 'o2-resource-reader',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ResourceBody],
  host: { class: 'cap-item' },
  template: `
    @let r = resource();
    <div class="cap-row">
      <span class="cap-name">
        <code class="break">{{ r.uri }}</code>
        <span class="muted">{{ r.description ?? r.title ?? r.name }}</span>
        @if (r.mime_type) {
          <span class="proto">{{ r.mime_type }}</span>
        }
      </span>
      <span class="action-wrap" [attr.title]="open() ? null : canRead().reason">
        <button
          type="button"
          class="btn small"
          data-testid="resource-read"
          [attr.aria-expanded]="open()"
          [attr.aria-controls]="panelId"
          [attr.aria-label]="(open() ? 'Hide ' : 'Read ') + (r.title ?? r.name)"
          [disabled]="!open() && !canRead().enabled"
          (click)="toggle()"
        >
          {{ open() ? 'Hide' : 'Read' }}
        </button>
      </span>
    </div>
    @if (open()) {
      <div
        class="cap-panel"
        role="region"
        data-testid="resource-panel"
        [id]="panelId"
        [attr.aria-label]="'Contents of ' + r.uri"
        [attr.aria-busy]="loading()"
      >
        @if (loading()) {
          <p class="muted small" role="status">
            <span class="spinner" aria-hidden="true"></span> Reading…
          </p>
        } @else if (error(); as e) {
          <p class="banner warn" role="alert" data-testid="resource-error">
            <span>
              Read failed:
              @if (e.code) {
                <code>{{ e.code }}</code>
              }
              {{ explain(e) }}
            </span>
          </p>
        } @else if (result(); as res) {
          <span class="muted small">
            {{ contents().length }} {{ contents().length === 1 ? 'item' : 'items' }} · read in
            {{ ms(res.duration_ms) }}
          </span>
          @for (c of contents(); track $index) {
            <o2-resource-body [resource]="c" [showUri]="c.uri !== r.uri" />
          } @empty {
            <p class="muted small">The server returned no contents.</p>
          }
        }
        <div class="actions-row left">
          <button
            type="button"
            class="btn small"
            data-testid="resource-reread"
            [disabled]="loading() || !canRead().enabled"
            [attr.title]="canRead().reason"
            (click)="read()"
          >
            Read again
          </button>
        </div>
      </div>
    }
  `,
})
export class ResourceReader {
  private readonly api = inject(Api);
  private readonly session = inject(Session);

  readonly server = input.required<McpServerView>();
  readonly resource = input.required<ResourceView>();

  protected readonly panelId = `resource-panel-${++panelSeq}`;
  protected readonly open = signal(false);
  protected readonly loading = signal(false);
  protected readonly error = signal<ApiError | null>(null);
  protected readonly result = signal<ResourceReadResult | null>(null);
  protected readonly contents = computed(() =>
    (this.result()?.contents ?? []).map((c) => showResource(c)),
  );
  protected readonly canRead = computed(() =>
    availability('read_resource', this.server(), this.session.role()),
  );
  /** Only the latest read may show its answer. */
  private attempt = 0;

  protected toggle(): void {
    if (this.open()) {
      this.open.set(false);
      this.attempt++;
      this.loading.set(false);
      return;
    }
    this.open.set(true);
    void this.read();
  }

  protected async read(): Promise<void> {
    if (!this.canRead().enabled) return;
    const attempt = ++this.attempt;
    this.loading.set(true);
    this.error.set(null);
    this.result.set(null);
    try {
      const result = await readResource(this.api, this.server().id, this.resource().uri);
      if (attempt === this.attempt) this.result.set(result);
    } catch (error) {
      if (attempt === this.attempt) this.error.set(toApiError(error));
    } finally {
      if (attempt === this.attempt) this.loading.set(false);
    }
  }

  protected ms(value: number): string {
    return formatMs(value);
  }

  protected explain(error: ApiError): string {
    return describeError(error);
  }
}
