// The one facade every front end (gRPC, tests, CLI) drives the proxy through. It composes the engine and the
// journal and adds only the rules that span both, such as "enabling a scenario clears the call history".
import { CallJournal, CallListQuery, CallWatchOptions } from '../journal/call-journal';
import { CallWatch } from '../journal/call-watch';
import { verifyCalls } from '../journal/verify';
import { DefineResult, DeleteResult, ScenarioEngine } from '../scenarios/engine';
import {
  CallFilter,
  CallRecord,
  EnableOptions,
  ProxyInfo,
  ScenarioDefinition,
  ScenarioStatus,
  VerificationRequest,
  VerificationResult,
} from './model';

export interface ProxyControlDeps {
  engine: ScenarioEngine;
  journal: CallJournal;
  info: () => ProxyInfo;
}

/** One ListCalls answer: the calls plus what a client needs to know what it may have missed. */
export interface CallPage {
  calls: CallRecord[];
  /** Calls dropped from the full history since the last reset. */
  droppedCount: number;
  /** Where the next page starts (fromSequence); when `more` is false, the sequence the next call will get. */
  nextSequence: number;
  /** The page stopped at the query's limit or maxBytes and later calls may match. */
  more: boolean;
}

export class ProxyControl {
  private readonly engine: ScenarioEngine;
  private readonly journal: CallJournal;
  private readonly info: () => ProxyInfo;

  constructor(deps: ProxyControlDeps) {
    this.engine = deps.engine;
    this.journal = deps.journal;
    this.info = deps.info;
  }

  listScenarios(): ScenarioStatus[] {
    return this.engine.list();
  }

  getScenario(name: string): ScenarioStatus {
    return this.engine.get(name);
  }

  /** Creates or replaces a custom scenario (disarmed). Built-in names: ScenarioError('already_exists'). */
  defineScenario(definition: ScenarioDefinition): DefineResult {
    return this.engine.define(definition);
  }

  /** Deletes a custom scenario. Built-ins: ScenarioError('failed_precondition'). */
  deleteScenario(name: string): DeleteResult {
    return this.engine.delete(name);
  }

  /** Clears the call history unless keepCallHistory, and only once the options were accepted. */
  enableScenario(name: string, opts: EnableOptions = {}): ScenarioStatus {
    const status = this.engine.enable(name, opts);
    if (opts.keepCallHistory !== true) this.journal.reset();
    return status;
  }

  disableScenario(name: string): ScenarioStatus {
    return this.engine.disable(name);
  }

  disableAllScenarios(): string[] {
    return this.engine.disableAll();
  }

  listCalls(q: CallListQuery = {}): CallPage {
    const listing = this.journal.listPage(q);
    return {
      calls: listing.calls,
      droppedCount: this.journal.droppedCount,
      nextSequence: listing.continueFrom,
      more: listing.more,
    };
  }

  countCalls(filter?: CallFilter): number {
    return this.journal.count(filter);
  }

  resetCalls(): number {
    return this.journal.reset();
  }

  verifyCalls(req: VerificationRequest): VerificationResult {
    return verifyCalls(this.journal.list(), req);
  }

  watchCalls(opts: CallWatchOptions = {}): CallWatch {
    return this.journal.watch(opts);
  }

  proxyInfo(): ProxyInfo {
    return this.info();
  }
}
