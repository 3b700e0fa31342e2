import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { ErrorCode, McpServerView, ToolExecutionResult } from '@omni2/contracts';
import { ApiError, describeError } from '../core/api-error';
import { formatMs } from '../shared/format';
import { ContentView } from './content-view';

export { showItem, type ShownItem } from './content-view';

@Component({
  selector: 'o2-tool-result',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ContentView],
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
        @if (r.content.length > 0) {
          <o2-content [items]="r.content" [server]="server()" />
        } @else if (!r.error) {
          <p class="muted">No content.</p>
        }
        @if (r.output_validation; as v) {
          @if (v.valid) {
            <p class="verdict verdict-ok" data-testid="output-verdict" data-valid="true">
              <span aria-hidden="true">✓</span> matches output schema
            </p>
          } @else {
            <div class="verdict verdict-bad" data-testid="output-verdict" data-valid="false">
              <p><span aria-hidden="true">⚠︎</span> does not match output schema</p>
              @if (v.errors.length > 0) {
                <ul class="errors" aria-label="Output schema problems">
                  @for (f of v.errors; track $index) {
                    <li>
                      <code>{{ f.field }}</code> {{ f.message }}
                    </li>
                  }
                </ul>
              }
            </div>
          }
        }
        @if (structured(); as st) {
          <details open>
            <summary>structured_content</summary>
            <pre class="out json" data-testid="structured-content">{{ st }}</pre>
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
  /** The server the result came from: resource links in it can then be read. */
  readonly server = input<McpServerView | null>(null);
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
