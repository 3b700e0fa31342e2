import {
  AUDIT_PAGE_SIZE,
  NO_AUDIT_FILTERS,
  auditQuery,
  detailLines,
  hasAuditFilters,
} from './iam-audit';

describe('audit filters -> GET /audit query', () => {
  it('leaves out empty filters and sends only the page size', () => {
    expect(auditQuery(NO_AUDIT_FILTERS)).toEqual({ limit: AUDIT_PAGE_SIZE });
    expect(auditQuery({ ...NO_AUDIT_FILTERS, actor: '   ', server: '' })).toEqual({
      limit: AUDIT_PAGE_SIZE,
    });
    expect(hasAuditFilters({ ...NO_AUDIT_FILTERS, actor: '  ' })).toBe(false);
  });

  it('maps each filter to its parameter, trimmed, with the cursor', () => {
    expect(
      auditQuery(
        { actor: ' ops-key ', action: 'server.update', server: ' alpha ', from: '', to: '' },
        '42',
      ),
    ).toEqual({
      limit: AUDIT_PAGE_SIZE,
      actor: 'ops-key',
      action: 'server.update',
      server: 'alpha',
      before: '42',
    });
    expect(hasAuditFilters({ ...NO_AUDIT_FILTERS, action: 'tool.execute' })).toBe(true);
  });

  it('sends local date-times as ISO instants (the browser zone applied)', () => {
    const query = auditQuery({
      ...NO_AUDIT_FILTERS,
      from: '2026-03-01T10:30',
      to: '2026-03-02T00:00',
    });
    expect(query.from).toBe(new Date(2026, 2, 1, 10, 30).toISOString());
    expect(query.to).toBe(new Date(2026, 2, 2, 0, 0).toISOString());
    expect(query.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // Not a date: no filter rather than a query the gateway must refuse.
    expect(auditQuery({ ...NO_AUDIT_FILTERS, from: 'soon' }).from).toBeUndefined();
  });
});

describe('audit details as lines', () => {
  it('gives key/value lines, nested values as dotted paths, lists readable', () => {
    const lines = detailLines({
      outcome: 'ok',
      status: 200,
      is_error: false,
      request: {
        name: 'alpha',
        auth_config: '***',
        env: { API_TOKEN: '***' },
        args: ['--port', 3000],
        headers: [{ name: 'x', value: '***' }],
        tags: [],
        cwd: null,
        extra: {},
      },
    });
    expect(lines.map((l) => `${l.key}: ${l.text}`)).toEqual([
      'outcome: ok',
      'status: 200',
      'is_error: false',
      'request.name: alpha',
      'request.auth_config: ***',
      'request.env.API_TOKEN: ***',
      'request.args: --port, 3000',
      'request.headers[0].name: x',
      'request.headers[0].value: ***',
      'request.tags: (none)',
      'request.cwd: —',
      'request.extra: (none)',
    ]);
    expect(lines.every((l) => !l.truncated)).toBe(true);
  });

  it('leads with the outcome and status, whatever order the database kept', () => {
    const lines = detailLines({ tool: 'echo', status: 200, request: { a: 1 }, outcome: 'ok' });
    expect(lines.map((l) => l.key)).toEqual(['outcome', 'status', 'tool', 'request.a']);
  });

  it('cuts long values, keeping the full text (and never half a surrogate pair)', () => {
    const long = 'x'.repeat(200);
    const [line] = detailLines({ description: long }, { max: 80 });
    expect(line).toEqual({
      key: 'description',
      text: `${'x'.repeat(79)}…`,
      full: long,
      truncated: true,
    });
    const emoji = detailLines({ d: `${'a'.repeat(78)}😀😀😀` }, { max: 80 })[0];
    expect(emoji.text).toBe(`${'a'.repeat(78)}…`);
    expect(emoji.text).not.toMatch(/[\ud800-\udbff]$/);
  });

  it('bounds the number of lines and says how many more there are', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]));
    const lines = detailLines(many, { maxLines: 10 });
    expect(lines).toHaveLength(11);
    expect(lines[10]).toMatchObject({ key: '…', text: '40 more' });
  });

  it('shows nothing for empty details and never throws on odd values', () => {
    expect(detailLines({})).toEqual([]);
    expect(detailLines(null)).toEqual([]);
    expect(detailLines('text')).toEqual([
      { key: 'value', text: 'text', full: 'text', truncated: false },
    ]);
    expect(detailLines({ e: '' })[0].text).toBe('""');
  });
});
