import {
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { EventEnvelope } from '@omni2/contracts';
import { Counter, Gauge } from 'prom-client';
import { CoordinatorService } from '../coordinator/coordinator.service';
import { EventStream } from '../events/event-stream';
import { EventsGateway } from '../realtime/events.gateway';
import { ServerListSnapshot } from '../registry/server-list.snapshot';
import { renderFleet } from './fleet-gauges';
import { Metrics } from '../metrics/metrics';

/**
 * What `GET /metrics` returns. Fleet gauges come from the server list snapshot the API already
 * keeps (rendered by hand: see exposition.ts), replica gauges from the coordinator and the socket gateway, and breaker transitions and
 * stream lag from the event stream every replica tails: no metric calls in those services.
 */
@Injectable()
export class MetricsScrape implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sockets: Gauge;
  private readonly inFlight: Gauge;
  private readonly stalled: Gauge;
  private readonly restarts: Counter;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly snapshot: ServerListSnapshot,
    private readonly coordinator: CoordinatorService,
    private readonly gateway: EventsGateway,
    private readonly stream: EventStream,
  ) {
    const registers = [metrics.registry];
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    this.sockets = gauge('omni2_socket_connections', 'Socket.IO clients connected to this replica');
    this.inFlight = gauge(
      'omni2_coordinator_in_flight_checks',
      'Scheduled checks running on this replica',
    );
    this.stalled = gauge(
      'omni2_coordinator_stalled',
      '1 while the watchdog sees this replica’s coordinator loop stalled',
    );
    this.restarts = new Counter({
      name: 'omni2_coordinator_restarts_total',
      help: 'Coordinator loops restarted by the watchdog on this replica',
      registers,
    });
  }

  onApplicationBootstrap(): void {
    this.unsubscribe = this.stream.subscribe((event) => this.observe(event));
  }

  onApplicationShutdown(): void {
    this.unsubscribe();
  }

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  /** The exposition text, with every scrape-time value refreshed first. */
  async render(): Promise<string> {
    const views = await this.snapshot.views();
    this.metrics.forgetAllBut(new Set(views.map((v) => v.name)));
    const coordinator = this.coordinator.status();
    this.sockets.set(this.gateway.connected);
    this.inFlight.set(coordinator.in_flight);
    this.stalled.set(coordinator.stalled ? 1 : 0);
    this.restarts.reset();
    this.restarts.inc(coordinator.restarts);
    return (await this.metrics.render()) + renderFleet(views);
  }

  private observe(event: EventEnvelope): void {
    const lag = (Date.now() - Date.parse(event.timestamp)) / 1_000;
    if (Number.isFinite(lag)) this.metrics.streamLag.observe(Math.max(0, lag));
    if (event.type === 'circuit_breaker_state' && event.mcp_name !== null) {
      const { old_state, new_state } = (event as EventEnvelope<'circuit_breaker_state'>).data;
      this.metrics.breakerTransition(event.mcp_name, old_state, new_state);
    }
  }
}
