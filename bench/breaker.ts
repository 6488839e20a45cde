// npx tsx bench/breaker.ts: cost of the breaker core, printed as one JSON object.
//
// 1. Per-call overhead: a hot loop of 1e6 calls after a warm-up, each admitting a call and
//    recording a success, for Switchyard's CircuitBreaker (tryAcquire + record), cockatiel 3's
//    circuitBreaker with a SamplingBreaker (execute) and opossum 9's default CircuitBreaker
//    (fire). The overhead is the loop time minus the same loop calling the no-op directly,
//    per call, median of five rounds that interleave the libraries.
// 2. Heap per breaker: 10 000 breakers, each fed 60 calls with 10 % failures, measured as the
//    growth of process.memoryUsage() heapUsed + arrayBuffers after a full GC, divided by
//    10 000. arrayBuffers is included because typed-array storage lives outside the V8 heap.
//    A busy variant feeds Switchyard's breakers 600 calls each.
//
// The heap figure needs global.gc. Run `node --expose-gc --import tsx bench/breaker.ts` to get
// it from the command line. Under plain `npx tsx` the script enables it at start-up with
// v8.setFlagsFromString, which Node documents as unsupported but which works on Node 20.
import os from 'node:os';
import v8 from 'node:v8';
import vm from 'node:vm';

import { SamplingBreaker, circuitBreaker, handleAll, type CircuitBreakerPolicy } from 'cockatiel';
import OpossumBreaker from 'opossum';

import { CircuitBreaker } from '../lib/breaker/circuit-breaker';
import { monotonicClock } from '../lib/breaker/clock';

const CALLS = 1_000_000;
const WARMUP_CALLS = 200_000;
const ROUNDS = 5;
const BREAKERS = 10_000;
const CALLS_PER_BREAKER = 60;

const OVERHEAD_TARGET_VS_COCKATIEL = 0.5;
const OVERHEAD_TARGET_VS_OPOSSUM = 0.1;
const HEAP_TARGET_VS_COCKATIEL = 0.5;

// Settings shared by the three libraries where they have an equivalent: a 60 s sampling
// window, trip at 50 % failures, 30 s before a half-open attempt.
const WINDOW_MS = 60_000;
const RESET_MS = 30_000;

function loadGc(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;

  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

const gc = loadGc();

/** Collects garbage until freed ArrayBuffer storage is returned, which happens after a GC. */
async function fullGc(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function memoryInUse(): number {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

type CallLoop = (count: number) => unknown;
type CallCase = { loop: CallLoop; baseline: CallLoop; cleanup?: () => void };

async function timeLoop(loop: CallLoop): Promise<number> {
  const start = process.hrtime.bigint();
  await loop(CALLS);
  return Number(process.hrtime.bigint() - start) / CALLS;
}

/**
 * Times every case for ROUNDS rounds, interleaving the cases so that a slow spell on a shared
 * machine spreads over all of them, and returns the medians in ns per call.
 */
async function measureCalls<Name extends string>(cases: Record<Name, CallCase>) {
  const names = Object.keys(cases) as Name[];
  for (const name of names) {
    await cases[name].loop(WARMUP_CALLS);
    await cases[name].baseline(WARMUP_CALLS);
  }

  const samples = Object.fromEntries(names.map((name) => [name, { raw: [] as number[], overhead: [] as number[], baseline: [] as number[] }]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) {
      const raw = await timeLoop(cases[name].loop);
      const baseline = await timeLoop(cases[name].baseline);
      samples[name].raw.push(raw);
      samples[name].baseline.push(baseline);
      samples[name].overhead.push(raw - baseline);
    }
  }
  for (const name of names) cases[name].cleanup?.();

  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        nsPerCall: round(median(samples[name].raw)),
        baselineNsPerCall: round(median(samples[name].baseline)),
        overheadNs: round(median(samples[name].overhead)),
      },
    ]),
  ) as Record<Name, { nsPerCall: number; baselineNsPerCall: number; overheadNs: number }>;
}

let sink = 0;
const noop = (value: number): number => value & 1;
const noopAsync = async (): Promise<number> => 1;

function switchyardCase(): CallCase {
  const clock = monotonicClock();
  const breaker = new CircuitBreaker();
  return {
    loop: (count) => {
      for (let i = 0; i < count; i++) {
        const now = clock();
        if (breaker.tryAcquire(now).kind !== 'send') throw new Error('Switchyard breaker stopped admitting calls');
        breaker.record('success', now, 5, now);
      }
    },
    baseline: (count) => {
      for (let i = 0; i < count; i++) sink += noop(clock());
    },
  };
}

function createCockatiel(): CircuitBreakerPolicy {
  return circuitBreaker(handleAll, {
    halfOpenAfter: RESET_MS,
    breaker: new SamplingBreaker({ threshold: 0.5, duration: WINDOW_MS, minimumRps: 20 / (WINDOW_MS / 1000) }),
  });
}

async function awaitNoop(count: number): Promise<void> {
  for (let i = 0; i < count; i++) sink += await noopAsync();
}

function cockatielCase(): CallCase {
  const policy = createCockatiel();
  return {
    loop: async (count) => {
      for (let i = 0; i < count; i++) sink += await policy.execute(noopAsync);
    },
    baseline: awaitNoop,
  };
}

function opossumCase(): CallCase {
  const breaker = new OpossumBreaker(noopAsync);
  return {
    loop: async (count) => {
      for (let i = 0; i < count; i++) sink += await breaker.fire();
    },
    baseline: awaitNoop,
    cleanup: () => breaker.shutdown(),
  };
}

/** Returns bytes per breaker retained by `create` for BREAKERS breakers, then lets them go. */
async function bytesPerBreaker(create: (index: number) => Promise<unknown>, release?: (item: unknown) => void) {
  await fullGc();
  const before = memoryInUse();
  const heapBefore = process.memoryUsage().heapUsed;

  const breakers: unknown[] = [];
  for (let i = 0; i < BREAKERS; i++) breakers.push(await create(i));

  await fullGc();
  const total = (memoryInUse() - before) / BREAKERS;
  const heapOnly = (process.memoryUsage().heapUsed - heapBefore) / BREAKERS;
  if (release) breakers.forEach(release);
  breakers.length = 0;
  return { bytesPerBreaker: Math.round(total), heapUsedBytesPerBreaker: Math.round(heapOnly) };
}

/** Duration of the j-th fed call: spread over 5 ms .. 5 s, so that many histogram bins fill. */
function fedDuration(j: number): number {
  return 5 * 1000 ** ((j * 7) % CALLS_PER_BREAKER / CALLS_PER_BREAKER);
}

/**
 * Feeds each breaker one call per second over a full window, so that every bucket is live.
 * With `busy`, each second gets 10 calls of 40 ms, so that one histogram bin contains
 * 600 calls and the counts widen from 8 to 16 bits.
 */
async function measureSwitchyardHeap(busy: boolean) {
  return bytesPerBreaker(async () => {
    const breaker = new CircuitBreaker();
    for (let j = 0; j < CALLS_PER_BREAKER; j++) {
      const now = 1_000_000 + j * 1000;
      const calls = busy ? 10 : 1;
      for (let k = 0; k < calls; k++) {
        breaker.tryAcquire(now);
        breaker.record(j % 10 === 0 ? 'failure' : 'success', now, busy ? 40 : fedDuration(j), now);
      }
    }
    return breaker;
  });
}

async function measureCockatielHeap() {
  return bytesPerBreaker(async () => {
    const policy = createCockatiel();
    for (let j = 0; j < CALLS_PER_BREAKER; j++) {
      await policy
        .execute(async () => {
          if (j % 10 === 0) throw new Error('fed failure');
        })
        .catch(() => undefined);
    }
    return policy;
  });
}

async function measureOpossumHeap() {
  const fail = new Error('fed failure');
  return bytesPerBreaker(
    async () => {
      const breaker = new OpossumBreaker(async (failed: boolean) => {
        if (failed) throw fail;
      });
      for (let j = 0; j < CALLS_PER_BREAKER; j++) await breaker.fire(j % 10 === 0).catch(() => undefined);
      return breaker;
    },
    (breaker) => (breaker as OpossumBreaker).shutdown(),
  );
}

async function main() {
  const startedAt = Date.now();

  // Heap first, while the process is still small.
  const heap = {
    switchyard: await measureSwitchyardHeap(false),
    cockatielSampling: await measureCockatielHeap(),
    opossum: await measureOpossumHeap(),
    switchyardBusy: await measureSwitchyardHeap(true),
  };

  const overhead = await measureCalls({
    switchyard: switchyardCase(),
    cockatielSampling: cockatielCase(),
    opossum: opossumCase(),
  });

  const ratios = {
    overheadVsCockatiel: round(overhead.switchyard.overheadNs / overhead.cockatielSampling.overheadNs, 3),
    overheadVsOpossum: round(overhead.switchyard.overheadNs / overhead.opossum.overheadNs, 3),
    heapVsCockatiel: round(heap.switchyard.bytesPerBreaker / heap.cockatielSampling.bytesPerBreaker, 3),
    busyHeapVsCockatiel: round(heap.switchyardBusy.bytesPerBreaker / heap.cockatielSampling.bytesPerBreaker, 3),
  };

  const report = {
    benchmark: 'breaker',
    node: process.version,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cpus: os.cpus().length,
    calls: CALLS,
    breakers: BREAKERS,
    callsPerBreaker: CALLS_PER_BREAKER,
    overhead,
    heap,
    ratios,
    targets: {
      overheadVsCockatiel: OVERHEAD_TARGET_VS_COCKATIEL,
      overheadVsOpossum: OVERHEAD_TARGET_VS_OPOSSUM,
      heapVsCockatiel: HEAP_TARGET_VS_COCKATIEL,
    },
    targetsMet: {
      overheadVsCockatiel: ratios.overheadVsCockatiel <= OVERHEAD_TARGET_VS_COCKATIEL,
      overheadVsOpossum: ratios.overheadVsOpossum <= OVERHEAD_TARGET_VS_OPOSSUM,
      heapVsCockatiel: ratios.heapVsCockatiel <= HEAP_TARGET_VS_COCKATIEL,
    },
    notes: [
      'Switchyard is synchronous: one call is tryAcquire + record with times passed in, plus one monotonic clock read (performance.now) in both the loop and its baseline.',
      'cockatiel (execute) and opossum (fire) are promise-based, so their figures include promise and microtask work; their baseline is the same loop awaiting the async no-op directly.',
      'opossum runs with its defaults: a 10 s timeout timer set and cleared on every call, rolling latency percentiles, and two interval timers per breaker.',
      'cockatiel uses SamplingBreaker({ threshold: 0.5, duration: 60000, minimumRps: 20/60 }), which keeps 60 one-second windows.',
      'Heap is heapUsed + arrayBuffers growth after a full GC; heapUsedBytesPerBreaker excludes the typed-array storage that Switchyard histograms use.',
      'switchyardBusy feeds 10 calls per second of 40 ms for a window, so one histogram bin holds 600 calls and the counts widen from 8 to 16 bits (32 bits above 65535 calls per bin). The target ratio uses the 1 call per second figure.',
    ],
    durationMs: Date.now() - startedAt,
  };

  if (sink === -1) console.error('unreachable');
  console.log(JSON.stringify(report, null, 2));
}

await main();
