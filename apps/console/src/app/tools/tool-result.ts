import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ErrorCode, ToolContentItem, ToolExecutionResult } from '@omni2/contracts';
import { ApiError, describeError } from '../core/api-error';
import { formatMs } from '../shared/format';

/** One content item prepared for display. */
export type ShownItem =
  | { kind: 'text'; text: string }
  | { kind: 'json'; text: string }
  | { kind: 'image'; src: string; alt: string }
  | { kind: 'audio'; src: string };

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Text that is JSON is pretty-printed; images and audio become data URLs. */
export function showItem(item: ToolContentItem): ShownItem {
  const mime = str(item['mimeType']) ?? 'application/octet-stream';
  switch (item.type) {
    case 'text': {
      const text = str(item['text']) ?? '';
      const trimmed = text.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          return { kind: 'json', text: JSON.stringify(JSON.parse(trimmed), null, 2) };
        } catch {
          // not JSON after all
        }
      }
      return { kind: 'text', text };
    }
    case 'image': {
      const data = str(item['data']);
      if (data) return { kind: 'image', src: `data:${mime};base64,${data}`, alt: mime };
      break;
    }
    case 'audio': {
      const data = str(item['data']);
      if (data) return { kind: 'audio', src: `data:${mime};base64,${data}` };
      break;
    }
    case 'resource': {
      const resource = item['resource'] as Record<string, unknown> | undefined;
      const text = str(resource?.['text']);
      if (text !== null) return { kind: 'text', text };
      break;
    }
    default:
      break;
  }
  return { kind: 'json', text: JSON.stringify(item, null, 2) };
}

@Component({
  selector: 'o2-tool-result',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (error(); as e) {
      <div class="result result-error" data-testid="tool-result" data-outcome="api-error">
        <div class="result-head">
          <strong>Call failed</strong>
          <code>{{ e.code ?? 'HTTP ' + e.status }}</code>
          @if (clientMs() !== null) {
            <span class="muted">{{ ms(clientMs()) }}</span>
          }
        </div>
        <p>{{ explain(e) }}</p>
        @if (e.fieldErrors.length > 0) {
          <ul class="errors">
            @for (f of e.fieldErrors; track f.field) {
              <li>
                <code>{{ f.field }}</code> {{ f.message }}
              </li>
            }
          </ul>
        }
      </div>
    } @else if (result(); as r) {
      <div
        class="result"
        [class.result-error]="r.is_error || !!r.error"
        data-testid="tool-result"
        [attr.data-outcome]="r.is_error || r.error ? 'tool-error' : 'ok'"
      >
        <div class="result-head">
          @if (r.is_error || r.error) {
            <strong class="badge status-circuit_open">is_error</strong>
          } @else {
            <strong class="badge status-healthy">ok</strong>
          }
          <span class="muted" title="duration measured by the gateway">{{
            ms(r.duration_ms)
          }}</span>
          @if (clientMs() !== null) {
            <span class="muted" title="round trip measured by this browser"
              >(round trip {{ ms(clientMs()) }})</span
            >
          }
        </div>
        @if (r.error; as rpc) {
          <p>
            JSON-RPC error <code>{{ rpc.code }}</code>: {{ rpc.message }}
          </p>
        }
        @for (item of items(); track $index) {
          @switch (item.kind) {
            @case ('text') {
              <pre class="out">{{ item.text }}</pre>
            }
            @case ('json') {
              <pre class="out json">{{ item.text }}</pre>
            }
            @case ('image') {
              <img class="out-image" [src]="item.src" [alt]="item.alt" />
            }
            @case ('audio') {
              <audio controls [src]="item.src"></audio>
            }
          }
        } @empty {
          @if (!r.error) {
            <p class="muted">No content.</p>
          }
        }
        @if (structured(); as st) {
          <details open>
            <summary>structured_content</summary>
            <pre class="out json">{{ st }}</pre>
          </details>
        }
      </div>
    }
  `,
})
export class ToolResult {
  readonly result = input<ToolExecutionResult | null>(null);
  readonly error = input<ApiError | null>(null);
  readonly clientMs = input<number | null>(null);
  protected readonly items = computed(() => (this.result()?.content ?? []).map(showItem));
  protected readonly structured = computed(() => {
    const sc = this.result()?.structured_content;
    return sc ? JSON.stringify(sc, null, 2) : null;
  });

  protected ms(value: number | null): string {
    return formatMs(value);
  }

  protected explain(error: ApiError): string {
    const text: Partial<Record<ErrorCode, string>> = {
      TOOL_ARGUMENTS_INVALID: 'The arguments do not match the tool’s schema:',
      CIRCUIT_OPEN: `${error.message} (the circuit is open: calls fail fast until it closes)`,
      UPSTREAM_TIMEOUT: `The server did not answer in time: ${error.message}`,
      UPSTREAM_UNAVAILABLE: `The server cannot be reached: ${error.message}`,
    };
    return (error.code && text[error.code]) || describeError(error);
  }
}
