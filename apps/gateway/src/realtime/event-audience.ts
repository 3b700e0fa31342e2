import { type EventEnvelope, type Role, viewerErrorText, viewerServerView } from '@omni2/contracts';

/**
 * An event as a role may see it. Viewers get server views without connection details
 * (`mcp_config_changed` for servers) and upstream errors as their kind only (`mcp_health_check`);
 * other roles get the event as is.
 */
export function eventFor(role: Role, event: EventEnvelope): EventEnvelope {
  if (role !== 'viewer') return event;
  if (event.type === 'mcp_health_check') {
    const data = (event as EventEnvelope<'mcp_health_check'>).data;
    if (data.error === null) return event;
    return { ...event, data: { ...data, error: viewerErrorText(data.error_kind, data.error) } };
  }
  if (event.type !== 'mcp_config_changed') return event;
  const data = (event as EventEnvelope<'mcp_config_changed'>).data;
  if (data.key !== 'server' || data.server === null) return event;
  return { ...event, data: { ...data, server: viewerServerView(data.server) } };
}
