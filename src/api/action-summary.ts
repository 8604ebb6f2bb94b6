// One line a person can read for ScenarioAction.summary, e.g. "respond HTTP 503" or "hold 35s, then forward".
import { ActionSpec } from '../core/model';

const THRIFT_STATUS_NAMES: Readonly<Record<number, string>> = {
  0: 'SUCCESS_STATUS',
  1: 'SUCCESS_WITH_INFO_STATUS',
  2: 'STILL_EXECUTING_STATUS',
  3: 'ERROR_STATUS',
  4: 'INVALID_HANDLE_STATUS',
};

export function formatMs(ms: number): string {
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(3).replace(/0+$/, '')}s`;
  return `${ms}ms`;
}

export function describeAction(action: ActionSpec): string {
  switch (action.kind) {
    case 'http_status':
      return `respond HTTP ${action.status}`;
    case 'thrift_error':
      return `reply with a Thrift ${THRIFT_STATUS_NAMES[action.statusCode] ?? `status ${action.statusCode}`}`;
    case 'hold':
      return `hold ${formatMs(action.defaultMs)}, then forward`;
    case 'reset':
      return 'reset the connection (no HTTP response)';
  }
}
