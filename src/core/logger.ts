// Logs are for people and go to stderr: stdout carries only the CLI's one machine-readable ready line.
// Callers on hot paths check enabled() first so a disabled level costs no allocation.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export type LogFields = Record<string, unknown>;

export interface Logger {
  enabled(level: LogLevel): boolean;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const SEVERITY: Readonly<Record<LogLevel, number>> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface LoggerOptions {
  level: LogLevel;
  /** Where finished lines go; stderr unless a test captures them. */
  write?: (line: string) => void;
  now?: () => Date;
}

/** One line per entry: `<ISO time> <LEVEL> <message> key=value ...` (values JSON-encoded when not plain). */
export function createLogger(options: LoggerOptions): Logger {
  const threshold = SEVERITY[options.level];
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? (() => new Date());
  const enabled = (level: LogLevel): boolean => SEVERITY[level] <= threshold;
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (!enabled(level)) return;
    write(`${now().toISOString()} ${level.toUpperCase()} ${message}${formatFields(fields)}\n`);
  };
  return {
    enabled,
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** A logger that drops everything: for tests and embedders that do not want proxy logs. */
export const SILENT_LOGGER: Logger = {
  enabled: () => false,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

function formatFields(fields: LogFields | undefined): string {
  if (fields === undefined) return '';
  let out = '';
  for (const key of Object.keys(fields)) out += ` ${key}=${formatValue(fields[key])}`;
  return out;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /^[\w.:/@+-]*$/.test(value) && value !== '' ? value : JSON.stringify(value);
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
