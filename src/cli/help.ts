// `thrift-fault-proxy --help`, rendered from the flag table so the two cannot drift apart.
import { FLAGS } from './flags';

export function renderHelp(): string {
  const usages = FLAGS.map((flag) => `--${flag.name}${flag.value ? ` ${flag.value}` : ''}`);
  const width = Math.max(...usages.map((u) => u.length)) + 2;
  const lines = FLAGS.map((flag, i) => {
    const repeat = flag.repeatable ? ' Repeatable.' : '';
    return `  ${usages[i].padEnd(width)}${flag.description}${repeat}`;
  });
  return [
    'Usage: thrift-fault-proxy [options]',
    '',
    'Fault-injection proxy for Databricks SQL drivers (Thrift over HTTP and CloudFetch downloads),',
    'controlled over gRPC (thriftproxy.v1.ScenarioControl).',
    '',
    'Options:',
    ...lines,
    '',
    'On ready, prints one JSON line on stdout: {"event":"ready","proxyHost",...}. Logs go to stderr.',
    'SIGTERM or SIGINT stops it cleanly. Exit codes: 0 stopped, 1 failed to start, 2 bad command line.',
    '',
  ].join('\n');
}

/** The flags table in README.md (between <!-- flags:begin --> and <!-- flags:end -->). */
export function renderFlagTable(): string {
  const rows = FLAGS.map((flag) => {
    const usage = `--${flag.name}${flag.value ? ` ${flag.value}` : ''}`.replace(/\|/g, '\\|');
    return `| \`${usage}\` | ${flag.description}${flag.repeatable ? ' Repeatable.' : ''} |`;
  });
  return ['| flag | what it does |', '|---|---|', ...rows].join('\n');
}
