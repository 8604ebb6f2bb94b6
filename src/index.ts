// Library entry: start the whole proxy in-process (tests of other projects do this) and speak its domain types.
export { startThriftFaultProxy } from './app';
export type { AppOptions, RunningApp } from './app';
export type { CallPage, ProxyControl } from './core/control';
export type { FakeWarehouseOptions } from './fake';
export { createLogger, SILENT_LOGGER } from './core/logger';
export type { Logger, LogLevel } from './core/logger';
export * from './core/model';
export { VERSION } from './version';
