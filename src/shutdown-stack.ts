// Stops what a start sequence started: last first, once, and a failing step does not stop the others.
export class ShutdownStack {
  private readonly steps: Array<() => Promise<void> | void> = [];
  private closing: Promise<void> | undefined;

  push(step: () => Promise<void> | void): void {
    this.steps.push(step);
  }

  closeAll(): Promise<void> {
    this.closing ??= (async () => {
      const errors: unknown[] = [];
      for (const step of this.steps.reverse()) {
        try {
          await step();
        } catch (error) {
          errors.push(error);
        }
      }
      if (errors.length > 0) throw new AggregateError(errors, 'thrift-fault-proxy did not stop cleanly');
    })();
    return this.closing;
  }
}
