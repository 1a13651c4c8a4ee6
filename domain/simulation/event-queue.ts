/**
 * The simulator's clock: journeys waiting for an instant, earliest first; ties go to the journey
 * that comes first in the portfolio, so a run is the same every time. A binary heap.
 */
export class EventQueue {
  private readonly at: number[] = [];
  private readonly ids: number[] = [];

  get size(): number {
    return this.ids.length;
  }

  push(at: number, id: number): void {
    this.at.push(at);
    this.ids.push(id);
    let i = this.ids.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest entry, removed; undefined when nothing waits. */
  pop(): { at: number; id: number } | undefined {
    if (this.ids.length === 0) return undefined;
    const top = { at: this.at[0]!, id: this.ids[0]! };
    const lastAt = this.at.pop()!;
    const lastId = this.ids.pop()!;
    if (this.ids.length > 0) {
      this.at[0] = lastAt;
      this.ids[0] = lastId;
      this.sinkFromTop();
    }
    return top;
  }

  private sinkFromTop(): void {
    const n = this.ids.length;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let first = i;
      if (left < n && this.before(left, first)) first = left;
      if (right < n && this.before(right, first)) first = right;
      if (first === i) return;
      this.swap(i, first);
      i = first;
    }
  }

  private before(a: number, b: number): boolean {
    return this.at[a]! < this.at[b]! || (this.at[a] === this.at[b] && this.ids[a]! < this.ids[b]!);
  }

  private swap(a: number, b: number): void {
    [this.at[a], this.at[b]] = [this.at[b]!, this.at[a]!];
    [this.ids[a], this.ids[b]] = [this.ids[b]!, this.ids[a]!];
  }
}
