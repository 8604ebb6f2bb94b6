// Defaults shared by the composition root and the command line (the original proxy's ports).
export const DEFAULT_LISTEN_HOST = '127.0.0.1';
export const DEFAULT_LISTEN_PORT = 18080;
export const DEFAULT_API_HOST = '127.0.0.1';
export const DEFAULT_API_PORT = 18081;
export const DEFAULT_HISTORY_SIZE = 1000;
/** Upper bound the command line accepts for --history-size (each call keeps its decoded request and reply). */
export const MAX_HISTORY_SIZE = 1_000_000;
/** Memory the history may take (estimated from each call's decoded fields), in MiB: the oldest calls leave first. */
export const DEFAULT_HISTORY_MIB = 128;
/** Upper bound the command line accepts for --history-mib. */
export const MAX_HISTORY_MIB = 65_536;
/** How long a SIGTERM/SIGINT waits for requests in flight before closing them (--shutdown-grace-ms). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;
/** Longest --shutdown-grace-ms: ten minutes. */
export const MAX_SHUTDOWN_GRACE_MS = 600_000;
