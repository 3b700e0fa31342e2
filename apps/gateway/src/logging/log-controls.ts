import type { ConfigEntryView, LoggingSettings } from '@omni2/contracts';
import type { LogFn, Logger, LoggerOptions } from 'pino';

/** pino's numeric levels: warnings and errors are never filtered by component. */
const WARN = 40;

export type LevelName = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface EffectiveLogging {
  level: LevelName;
  component_names: string[];
}

/** What a replica logs with: the stored `logging` setting, or LOG_LEVEL until one is stored. */
export function effectiveLogging(entry: ConfigEntryView, envLevel: LevelName): EffectiveLogging {
  return entry.updated_at === null
    ? { level: envLevel, component_names: [] }
    : (entry.value as LoggingSettings);
}

/**
 * The live logging knobs (SPEC §1 `logging`). Process-wide on purpose: nestjs-pino keeps one
 * root logger per process, and every request logger is derived from it when the request starts.
 */
export class LogControls {
  /** null: every component; otherwise only these below warn level. */
  private components: ReadonlySet<string> | null = null;
  private root: Logger | null = null;

  /** The pino hook that drops lines of components not asked for. */
  readonly hooks: NonNullable<LoggerOptions['hooks']> = { logMethod: componentFilter(this) };

  /** The logger whose level is switched live (nestjs-pino's root). */
  attach(root: Logger): void {
    this.root = root;
  }

  apply(level: LevelName, components: readonly string[]): void {
    if (this.root && this.root.level !== level) this.root.level = level;
    this.components = components.length === 0 ? null : new Set(components);
  }

  get level(): string | null {
    return this.root?.level ?? null;
  }

  admits(level: number, component: () => string | undefined): boolean {
    if (this.components === null || level >= WARN) return true;
    const name = component();
    return name !== undefined && this.components.has(name);
  }
}

function componentFilter(controls: LogControls) {
  return function logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number) {
    // Nest's loggers pass the component in the first argument; request lines carry it bound.
    const component = () => componentOf(args[0]) ?? componentOf(this.bindings());
    if (controls.admits(level, component)) method.apply(this, args);
  };
}

function componentOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const component = (value as { component?: unknown }).component;
  return typeof component === 'string' ? component : undefined;
}

export const logControls = new LogControls();
