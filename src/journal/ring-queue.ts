// A bounded FIFO over a ring array: push and shift are O(1) (amortized: the array starts small and doubles as
// needed, up to the bound), and memory never exceeds the bound.
const INITIAL_SLOTS = 64;

export class RingQueue<T> {
  private slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.slots = new Array<T | undefined>(Math.min(capacity, INITIAL_SLOTS));
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Returns false (and stores nothing) when full. */
  push(item: T): boolean {
    if (this.count === this.capacity) return false;
    if (this.count === this.slots.length) this.grow();
    this.slots[(this.head + this.count) % this.slots.length] = item;
    this.count++;
    return true;
  }

  peek(): T | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** The most recently pushed item. */
  peekLast(): T | undefined {
    return this.count === 0 ? undefined : this.slots[(this.head + this.count - 1) % this.slots.length];
  }

  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.slots[this.head];
    // Release the reference so a consumed record can be collected.
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
    return item;
  }

  clear(): void {
    this.slots = new Array<T | undefined>(Math.min(this.capacity, INITIAL_SLOTS));
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const bigger = new Array<T | undefined>(Math.min(this.capacity, this.slots.length * 2));
    for (let i = 0; i < this.count; i++) bigger[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = bigger;
    this.head = 0;
  }
}
