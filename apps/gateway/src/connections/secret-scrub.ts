import { REDACTED } from '@omni2/contracts';
import type { ConnectionTarget } from './connection-target';

/** Shorter values are too common as words to cut out of a message ("1", "on"). */
const MIN_SECRET_LENGTH = 4;
/**
 * Env values and arguments are mostly not secrets (ports, levels, paths), and cutting "3000" out
 * of "connect ECONNREFUSED 127.0.0.1:3000" hides the diagnosis: a longer floor for them.
 */
const MIN_CONFIG_VALUE_LENGTH = 6;

/**
 * What of a server's configuration must never appear in a text omni2 stores or publishes: its
 * credential headers (and the token or password inside them), its stdio environment values and
 * arguments, and the user info and query values of its URL. Longest first, so a value that
 * contains another is cut whole.
 */
export function secretsOf(target: ConnectionTarget): string[] {
  const found = new Set<string>();
  const add = (value: string | null | undefined, min = MIN_SECRET_LENGTH) => {
    if (value && value.length >= min) found.add(value);
  };
  for (const value of Object.values(target.headers)) {
    add(value);
    const scheme = /^(\w+)\s+(.+)$/.exec(value);
    if (!scheme) continue;
    add(scheme[2]);
    if (scheme[1].toLowerCase() === 'basic') {
      const pair = Buffer.from(scheme[2], 'base64').toString('utf8');
      add(pair);
      add(pair.slice(pair.indexOf(':') + 1));
    }
  }
  for (const value of target.bearer?.secrets() ?? []) add(value);
  for (const value of Object.values(target.env)) add(value, MIN_CONFIG_VALUE_LENGTH);
  for (const arg of target.args) {
    const eq = arg.indexOf('=');
    if (eq > 0) add(arg.slice(eq + 1), MIN_CONFIG_VALUE_LENGTH);
    // A flag alone (--verbose) names an option, it does not carry a value.
    if (!/^-{1,2}[\w-]+$/.test(arg)) add(arg, MIN_CONFIG_VALUE_LENGTH);
  }
  if (target.url) {
    try {
      const url = new URL(target.url);
      add(decodeURIComponent(url.password));
      add(url.password);
      for (const value of url.searchParams.values()) add(value);
    } catch {
      // not a URL: nothing more to find
    }
  }
  return [...found].sort((a, b) => b.length - a.length);
}

/**
 * `<name> = <value>` or `"<name>": "<value>"` where the name ends in a credential word (token,
 * GITHUB_TOKEN, db_password, X-Api-Key, aws_secret_access_key), any case; a quoted value is
 * cut whole, spaces and all.
 */
const NAMED_VALUE =
  /(?<![A-Za-z0-9])((?:[A-Za-z0-9]+[_-])*(?:token|secret|password|passwd|pwd|api[-_]?key|apikey|authorization|credentials?|private[-_]?key|session[-_]?id|cookie|access[-_]?key))(["']?\s*[:=]\s*)(?!(?:bearer|basic|token)\s)("[^"\n]*"|'[^'\n]*'|[^\s"',;&}]+)/gi;
/** `Bearer ...`, `basic ...` in any case; `Token ...` capitalised only ("invalid token format"). */
const AUTH_SCHEME = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{4,}/gi;
const TOKEN_SCHEME = /\b(Token)\s+[A-Za-z0-9._~+/=-]{4,}/g;

/**
 * `text` with the server's secrets cut out, and with anything that reads as a credential
 * (token=..., "password": "...", Bearer ...) cut out too: a process's stderr or an upstream's
 * error page can echo secrets omni2 never knew.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out
    .replace(AUTH_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(TOKEN_SCHEME, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(NAMED_VALUE, (_m, name: string, sep: string, value: string) => {
      const quote = value[0] === '"' || value[0] === "'" ? value[0] : '';
      return `${name}${sep}${quote}${REDACTED}${quote}`;
    });
}
