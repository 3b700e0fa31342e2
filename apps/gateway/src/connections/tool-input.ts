/**
 * A server may need input from a person while a tool runs: MCP elicitation (2025's
 * `elicitation/create` request, 2026-07-28's `input_required` result). omni2 offers the form
 * mode only; sampling and roots have nobody to answer them and are refused with a clear error.
 */

/** How long a question waits for its answer before the server is told it was cancelled. */
export const MAX_INPUT_WAIT_MS = 5 * 60_000;

export interface ElicitationRequest {
  message: string;
  /** A flat JSON Schema object of primitive properties (the elicitation form). */
  requestedSchema: Record<string, unknown>;
}

/** What a form field can hold (MCP elicitation schemas are flat and primitive). */
export type FormValue = string | number | boolean | string[];

export type ElicitationAnswer =
  | { action: 'accept'; content: Record<string, FormValue> }
  | { action: 'decline' }
  | { action: 'cancel' };

/** Who answers the server's questions during one tool call. */
export interface InputBroker {
  /** True when a person can answer (the console or a REST caller); false for scheduled work. */
  readonly interactive: boolean;
  elicit(request: ElicitationRequest): Promise<ElicitationAnswer>;
}

/** Scheduled work never has anyone to ask: the server is told the question was cancelled. */
export const NO_ONE_TO_ASK: InputBroker = {
  interactive: false,
  elicit: () => Promise.resolve({ action: 'cancel' }),
};

/** What omni2 declares it can do for a server: elicitation forms, nothing else. */
export const CLIENT_CAPABILITIES = Object.freeze({ elicitation: Object.freeze({ form: {} }) });

/** The refusal a server gets for a request omni2 cannot serve (sampling, roots). */
export function unsupportedRequestMessage(method: string): string {
  switch (method) {
    case 'sampling/createMessage':
      return 'sampling is not supported by omni2: it has no language model to sample';
    case 'roots/list':
      return 'roots are not supported by omni2: it exposes no file system roots';
    default:
      return `${method} is not supported by omni2`;
  }
}

/** The elicitation an MCP message asks for, or null when it is not a form elicitation. */
export function elicitationOf(params: unknown): ElicitationRequest | null {
  const p = params as { message?: unknown; requestedSchema?: unknown; mode?: unknown } | undefined;
  if (p?.mode !== undefined && p.mode !== 'form') return null;
  if (typeof p?.message !== 'string') return null;
  if (typeof p.requestedSchema !== 'object' || p.requestedSchema === null) return null;
  return { message: p.message, requestedSchema: p.requestedSchema as Record<string, unknown> };
}

/**
 * SEP-1034: an accepted form carries the schema's defaults for the fields the person left out,
 * so the server sees what the form showed.
 */
export function withDefaults(
  request: ElicitationRequest,
  answer: ElicitationAnswer,
): ElicitationAnswer {
  if (answer.action !== 'accept') return answer;
  const properties = request.requestedSchema.properties;
  if (typeof properties !== 'object' || properties === null) return answer;
  const content = { ...answer.content };
  for (const [name, schema] of Object.entries(properties as Record<string, unknown>)) {
    const fallback = (schema as { default?: FormValue } | null)?.default;
    if (content[name] === undefined && fallback !== undefined) content[name] = fallback;
  }
  return { action: 'accept', content };
}
