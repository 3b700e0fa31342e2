import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventEnvelope } from '@omni2/contracts';
import { EventStream } from '../events/event-stream';
import { TokenBroker } from './token-broker';

/**
 * Every replica keeps a server's current access token in memory. When a server's registration
 * changes anywhere (edited, deleted, its tokens forgotten or newly authorized: each publishes
 * `mcp_config_changed`), every replica drops its copy and reads the stored tokens again, so a
 * forgotten or replaced token stops being sent everywhere, not only where the change was made.
 */
@Injectable()
export class OAuthTokenListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly broker: TokenBroker,
    private readonly stream: EventStream,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.stream.subscribe((event) => {
      const id = serverChanged(event);
      if (id) this.broker.forget(id);
    });
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
  }
}

function serverChanged(event: EventEnvelope): string | null {
  if (event.type !== 'mcp_config_changed') return null;
  const data = (event as EventEnvelope<'mcp_config_changed'>).data;
  return data.key === 'server' ? event.server_id : null;
}
