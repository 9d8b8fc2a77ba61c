/**
 * Which update-log numbers of one document this relay has applied. Numbers commit in order per
 * document (see 0006_collab.sql), so "everything up to `through`" plus the few seen ahead of a
 * gap describes it; a gap means a bus message was missed or is late, and the log is re-read.
 */
export class SeqTracker {
  private through = 0;
  private readonly ahead = new Set<number>();

  get appliedThrough(): number {
    return this.through;
  }

  get hasGap(): boolean {
    return this.ahead.size > 0;
  }

  has(seq: number): boolean {
    return seq <= this.through || this.ahead.has(seq);
  }

  add(seq: number): void {
    if (seq <= this.through) return;
    this.ahead.add(seq);
    while (this.ahead.delete(this.through + 1)) this.through++;
  }

  /** Everything up to `seq` is applied (a snapshot, or a log read that returned every row up to it). */
  advanceTo(seq: number): void {
    if (seq <= this.through) return;
    this.through = seq;
    for (const s of this.ahead) if (s <= seq) this.ahead.delete(s);
    while (this.ahead.delete(this.through + 1)) this.through++;
  }
}
