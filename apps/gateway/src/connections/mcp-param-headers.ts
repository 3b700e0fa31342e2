/**
 * SEP-2243 (MCP 2026-07-28, Streamable HTTP): a tool may mark input properties with
 * `x-mcp-header: <Name>`, and clients mirror those arguments into `Mcp-Param-<Name>` headers so
 * that proxies can route on them without reading the body. A tool whose declarations break the
 * rules must be excluded from the tool list, never called.
 */

export interface HeaderDeclaration {
  /** Property names from the schema root down to the declared property. */
  path: readonly string[];
  headerName: string;
}

export type DeclarationScan =
  { ok: true; declarations: readonly HeaderDeclaration[] } | { ok: false; reason: string };

const X_MCP_HEADER = 'x-mcp-header';
/** RFC 9110 §5.6.2 token: what a header field name may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** `number` is excluded on purpose: its textual form is not canonical across languages. */
const PRIMITIVE_TYPES = new Set(['string', 'integer', 'boolean']);
const NO_DECLARATIONS: DeclarationScan = Object.freeze({ ok: true, declarations: [] });

/** The declarations a tool's input schema makes, or why the tool is unusable. */
export function scanHeaderDeclarations(schema: unknown): DeclarationScan {
  // Nearly every tool declares nothing: skip the walk unless the keyword appears at all.
  if (!JSON.stringify(schema ?? null).includes(`"${X_MCP_HEADER}"`)) return NO_DECLARATIONS;
  const declarations: HeaderDeclaration[] = [];
  const seen = new Map<string, string>();
  const fault = walk(schema, [], true, declarations, seen);
  return fault === null ? { ok: true, declarations } : { ok: false, reason: fault };
}

function walk(
  node: unknown,
  path: string[],
  reachable: boolean,
  out: HeaderDeclaration[],
  seen: Map<string, string>,
): string | null {
  if (typeof node !== 'object' || node === null) return null;
  if (Array.isArray(node)) {
    for (const item of node) {
      const fault = walk(item, path, false, out, seen);
      if (fault) return fault;
    }
    return null;
  }
  const record = node as Record<string, unknown>;
  if (X_MCP_HEADER in record) {
    const where = path.length === 0 ? 'the schema root' : `property "${path.join('.')}"`;
    if (!reachable || path.length === 0) {
      return `${where}: x-mcp-header is only allowed on properties reached through "properties"`;
    }
    const name = record[X_MCP_HEADER];
    if (typeof name !== 'string' || name.length === 0) {
      return `${where}: x-mcp-header must be a non-empty string`;
    }
    if (!TOKEN.test(name)) return `${where}: x-mcp-header "${name}" is not a valid header name`;
    if (typeof record.type !== 'string' || !PRIMITIVE_TYPES.has(record.type)) {
      return `${where}: x-mcp-header needs a string, integer or boolean property`;
    }
    const prior = seen.get(name.toLowerCase());
    if (prior !== undefined) return `x-mcp-header "${name}" is declared twice (also "${prior}")`;
    seen.set(name.toLowerCase(), name);
    out.push({ path: [...path], headerName: name });
  }
  for (const [key, value] of Object.entries(record)) {
    if (key === X_MCP_HEADER) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [property, child] of Object.entries(value as Record<string, unknown>)) {
        const fault = walk(child, [...path, property], reachable, out, seen);
        if (fault) return fault;
      }
      continue;
    }
    // Anywhere else (items, anyOf, $defs, ...) a declaration is out of reach and invalid.
    const fault = walk(value, path, false, out, seen);
    if (fault) return fault;
  }
  return null;
}

/** The `Mcp-Param-*` headers for one call; null or absent arguments send no header. */
export function paramHeaders(
  declarations: readonly HeaderDeclaration[],
  args: Record<string, unknown>,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { path, headerName } of declarations) {
    let value: unknown = args;
    for (const key of path) {
      value =
        typeof value === 'object' && value !== null
          ? (value as Record<string, unknown>)[key]
          : undefined;
    }
    if (typeof value === 'string') headers[`mcp-param-${headerName}`] = headerValue(value);
    else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
      headers[`mcp-param-${headerName}`] = String(value);
    }
  }
  return headers;
}

/**
 * A header value as the 2026-07-28 binding carries it: as is when it is plain visible ASCII,
 * otherwise base64 between the `=?base64?` and `?=` markers.
 */
export function headerValue(value: string): string {
  const plain =
    value === value.trim() &&
    !(value.startsWith('=?base64?') && value.endsWith('?=')) &&
    /^[\x20-\x7e]*$/.test(value);
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
