/**
 * @module bench/rss
 * Peak resident set size of the current process.
 *
 * Two sources, and the larger wins:
 * - a sampler reading `process.memoryUsage.rss()` every 50 ms (and whenever a synchronous
 *   loop calls `sample()` itself, since a blocked event loop runs no timers);
 * - the kernel's high-water mark `VmHWM` from /proc/self/status (Linux only), which catches
 *   peaks between samples. It belongs to the address space created by exec, so unlike
 *   `process.resourceUsage().maxRSS` it does not inherit the parent's RSS at fork time.
 */
import fs from "node:fs";

export class RssSampler {
  #peak = 0;
  #timer: NodeJS.Timeout | undefined;

  /** Start sampling every `intervalMs`; the timer never keeps the process alive. */
  start(intervalMs = 50): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  /** Take one sample now. Cheap enough to call every few hundred jobs. */
  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) this.#peak = rss;
  }

  /** Stop sampling; returns the peak in bytes (including the kernel high-water mark). */
  stop(): number {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.sample();
    return Math.max(this.#peak, kernelPeakRss() ?? 0);
  }
}

/** VmHWM of this process in bytes, or null where /proc is unavailable. */
export function kernelPeakRss(): number | null {
  try {
    const status = fs.readFileSync("/proc/self/status", "utf8");
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
