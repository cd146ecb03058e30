/** A figure a benchmark prints: a rate, or a duration, with its unit. */
export interface Figure {
  name: string;
  value: number;
  unit: string;
}

/**
 * Runs `fn` repeatedly for about `seconds` (after a short warm-up) and reports operations per
 * second, where each call performs `opsPerCall` operations.
 */
export async function rate(name: string, fn: () => unknown, options: { seconds?: number; opsPerCall?: number; unit?: string } = {}): Promise<Figure> {
  const seconds = options.seconds ?? 1;
  const opsPerCall = options.opsPerCall ?? 1;
  const warmUntil = performance.now() + Math.min(200, seconds * 200);
  while (performance.now() < warmUntil) await fn();
  let calls = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    await fn();
    calls++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { name, value: (calls * opsPerCall) / elapsed, unit: options.unit ?? 'ops/s' };
}

/** Times one run of `fn` in milliseconds, best of `runs`. */
export async function duration(name: string, fn: () => unknown, runs = 3): Promise<Figure> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    best = Math.min(best, performance.now() - start);
  }
  return { name, value: best, unit: 'ms' };
}

export function formatFigure(figure: Figure): string {
  const value = figure.value >= 100 ? Math.round(figure.value).toLocaleString('en-US') : figure.value.toFixed(2);
  return `  ${figure.name.padEnd(58)} ${value.padStart(14)} ${figure.unit}`;
}
