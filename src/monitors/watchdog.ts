/**
 * Missed-run detection: one timer per monitor, due at the next expected start plus the margin. A run
 * that starts re-arms it for the slot after; a timer that fires means the slot passed without a run.
 * Timers are unref'd (they never keep the process alive) and chained for delays beyond setTimeout's
 * limit (about 24.8 days).
 */
import type { Schedule } from './schedule.js';

const MAX_DELAY_MS = 2 ** 31 - 1;
/** A scheduler may fire a little early; a run this close before a slot counts for that slot. */
const EARLY_TOLERANCE_MS = 1000;
/** Slots reported at once after a long pause (a suspended laptop, a stopped debugger). */
const MAX_MISSED_AT_ONCE = 100;

export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private expected: number | undefined;
  private stopped = false;

  constructor(
    private readonly schedule: Schedule,
    private readonly marginMs: number,
    private readonly onMissed: (expectedAt: number) => void,
  ) {}

  get expectedAt(): number | undefined {
    return this.stopped ? undefined : this.expected;
  }

  start(nowMs: number): void {
    this.arm(this.schedule.next(nowMs));
  }

  onRunStart(nowMs: number): void {
    if (this.stopped) return;
    // Crontab slots are fixed: a run slightly early belongs to the coming slot. Intervals count from the run.
    const from = this.schedule.kind === 'cron' ? nowMs + Math.min(EARLY_TOLERANCE_MS, this.marginMs) : nowMs;
    this.arm(this.schedule.next(from));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(expected: number | undefined): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.expected = expected;
    if (this.stopped || expected === undefined) return;
    this.wait(expected + this.marginMs);
  }

  private wait(deadline: number): void {
    const delay = Math.max(0, deadline - Date.now());
    this.timer = setTimeout(() => (delay > MAX_DELAY_MS ? this.wait(deadline) : this.fire()), Math.min(delay, MAX_DELAY_MS));
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    let slot = this.expected;
    const now = Date.now();
    for (let n = 0; slot !== undefined && slot + this.marginMs <= now && n < MAX_MISSED_AT_ONCE; n++) {
      this.onMissed(slot);
      slot = this.schedule.next(slot);
    }
    // After a long pause, skip the slots beyond those reported.
    while (slot !== undefined && slot + this.marginMs <= now) slot = this.schedule.next(slot);
    this.arm(slot);
  }
}
