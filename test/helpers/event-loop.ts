/**
 * What a piece of work costs the event loop of this process (the runtime's thread, where every
 * flow runs): the longest it was held, and how much its heap grew meanwhile.
 */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';

/** The CPU time this process's main thread has used, in ms; its worker threads' time is not counted. */
function mainThreadCpuMs(): number {
  try {
    // Linux: the main thread's task, whose id is the process id; the first field is ns on a core.
    const text = fs.readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8');
    return Number(text.split(' ')[0]) / 1e6;
  } catch {
    const cpu = process.cpuUsage(); // every thread: never less than the main thread's own
    return (cpu.user + cpu.system) / 1000;
  }
}

export interface EventLoopCost<T> {
  result: T;
  /**
   * The longest the event loop was held: the largest gap between the ticks of a 5 ms timer, less
   * those 5 ms, counting only the time the main thread ran on a core in that gap. Every flow
   * waits that long; a gap while the machine ran other processes, or while this process's other
   * threads worked, is not the event loop's doing.
   */
  heldMs: number;
  /** The largest gap between two ticks, however it came. */
  gapMs: number;
  /** The most the heap's used size grew over its size when the work began (after a full GC, when exposed). */
  heapGrowth: number;
}

/** Runs `work` while measuring what it costs the event loop. */
export async function eventLoopCost<T>(work: () => Promise<T>): Promise<EventLoopCost<T>> {
  (globalThis as { gc?: () => void }).gc?.();
  const heapAtStart = v8.getHeapStatistics().used_heap_size;
  let heapGrowth = 0;
  let last = performance.now();
  let lastCpu = mainThreadCpuMs();
  let heldMs = 0;
  let gapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const cpu = mainThreadCpuMs();
    const gap = now - last - 5;
    gapMs = Math.max(gapMs, gap);
    heldMs = Math.max(heldMs, Math.min(gap, cpu - lastCpu));
    // A parsed tree dropped since the last tick is still counted: the heap is not collected in between.
    heapGrowth = Math.max(heapGrowth, v8.getHeapStatistics().used_heap_size - heapAtStart);
    last = now;
    lastCpu = mainThreadCpuMs();
  }, 5);
  try {
    const result = await work();
    await new Promise((resolve) => setTimeout(resolve, 20)); // a hold at the very end is seen too
    return { result, heldMs, gapMs, heapGrowth };
  } finally {
    clearInterval(timer);
  }
}
