/**
 * The form the `ask` tool of every testkit catalogue asks for: a required name, an enum with a
 * default (SEP-1330 titles), an integer and a boolean with defaults (SEP-1034).
 */
export const ASK_FORM = {
  message: 'Who is asking, and what do you want?',
  requestedSchema: {
    type: 'object',
    properties: {
      name: { type: 'string', title: 'Your name', minLength: 1 },
      color: {
        type: 'string',
        title: 'Colour',
        oneOf: [
          { const: 'red', title: 'Red' },
          { const: 'green', title: 'Green' },
          { const: 'blue', title: 'Blue' },
        ],
        default: 'green',
      },
      count: { type: 'integer', title: 'How many', minimum: 1, default: 3 },
      urgent: { type: 'boolean', title: 'Urgent', default: false },
    },
    required: ['name'],
  },
} as const;

/** What `ask` answers with: the action, and the content the server received. */
export function describeAnswer(answer: { action: string; content?: unknown }): string {
  return answer.action === 'accept'
    ? `accept ${JSON.stringify(answer.content ?? {})}`
    : answer.action;
}
