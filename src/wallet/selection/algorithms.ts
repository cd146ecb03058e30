/**
 * Core's three coin selection algorithms (wallet/coinselection.cpp) over coins already reduced to
 * their effective values (value minus the fee to spend them at the current rate). Each returns
 * the indexes it picks, or undefined. The caller compares their waste.
 */

export interface Pool {
  /** Effective values, all positive. */
  readonly effective: readonly bigint[];
  /** Per coin: fee now minus fee at the long-term rate (negative when fees are low: spend now). */
  readonly inputWaste: readonly bigint[];
}

/** Core's TOTAL_TRIES for branch-and-bound. */
const BNB_TRIES = 100_000;
/** Core's CHANGE_LOWER: SRD aims for at least this much change. */
export const CHANGE_LOWER = 50_000n;

/**
 * Branch-and-bound (Core's SelectCoinsBnB): a changeless subset whose effective value lands in
 * [target, target + costOfChange], least waste first, depth-first over coins sorted by value
 * with Core's pruning. Coins worth more than the window can never be in such a subset, so they
 * are left out before searching.
 */
export function branchAndBound(pool: Pool, target: bigint, costOfChange: bigint): number[] | undefined {
  const upper = target + costOfChange;
  const byValue = (a: number, b: number) => (pool.effective[a] > pool.effective[b] ? -1 : pool.effective[a] < pool.effective[b] ? 1 : 0);
  const order = pool.effective.map((_, i) => i).filter((i) => pool.effective[i] <= upper).sort(byValue);
  const value = (k: number) => pool.effective[order[k]];
  const waste = (k: number) => pool.inputWaste[order[k]];
  let available = order.reduce((sum, i) => sum + pool.effective[i], 0n);
  if (available < target || order.length === 0) return undefined;
  const feeRateHigh = pool.inputWaste[order[0]] > 0n;
  const selection: number[] = []; // positions in `order`, increasing
  let current = 0n;
  let currentWaste = 0n;
  let best: number[] | undefined;
  let bestWaste = 0n;
  let k = 0;
  for (let tries = 0; tries < BNB_TRIES; tries++, k++) {
    let backtrack = false;
    if (current + available < target || current > upper || (best !== undefined && currentWaste > bestWaste && feeRateHigh)) {
      backtrack = true;
    } else if (current >= target) {
      const total = currentWaste + (current - target); // changeless: the excess is waste
      if (best === undefined || total <= bestWaste) {
        best = [...selection];
        bestWaste = total;
      }
      backtrack = true;
    }
    if (backtrack) {
      if (selection.length === 0) break;
      // Put the coins skipped since the last included one back, then exclude that one instead.
      for (k--; k > selection[selection.length - 1]; k--) available += value(k);
      current -= value(k);
      currentWaste -= waste(k);
      selection.pop();
    } else {
      available -= value(k);
      const last = selection[selection.length - 1];
      // Core: including a coin equal to the one just excluded searches a branch already searched.
      if (selection.length === 0 || last === k - 1 || value(k) !== value(k - 1) || waste(k) !== waste(k - 1)) {
        selection.push(k);
        current += value(k);
        currentWaste += waste(k);
      }
    }
  }
  return best?.map((position) => order[position]);
}

/**
 * Knapsack (Core's KnapsackSolver): an exact single coin, all the small coins if they sum to the
 * target exactly, else the best of a randomised subset-sum approximation over the coins below
 * target + minChange and the smallest coin above it.
 */
export function knapsack(pool: Pool, target: bigint, minChange: bigint, random: () => number): number[] | undefined {
  // Core shuffles every coin first; the same randomness among equals costs less here: the small
  // coins are shuffled alone, and a tie for the lowest larger coin is broken at random.
  const small: number[] = [];
  let smallTotal = 0n;
  let lowestLarger: number | undefined;
  let ties = 0;
  const exact: number[] = [];
  const upper = target + minChange;
  for (let i = 0; i < pool.effective.length; i++) {
    const value = pool.effective[i];
    if (value === target) exact.push(i);
    else if (value < upper) {
      small.push(i);
      smallTotal += value;
    } else if (lowestLarger === undefined || value < pool.effective[lowestLarger]) {
      lowestLarger = i;
      ties = 1;
    } else if (value === pool.effective[lowestLarger] && random() * ++ties < 1) {
      lowestLarger = i;
    }
  }
  if (exact.length > 0) return [exact[Math.floor(random() * exact.length)]];
  shuffleInPlace(small, random);
  if (smallTotal === target) return small;
  if (smallTotal < target) return lowestLarger === undefined ? undefined : [lowestLarger];
  // Stable sort of a shuffled list: equal coins stay in random order.
  small.sort((a, b) => (pool.effective[a] > pool.effective[b] ? -1 : pool.effective[a] < pool.effective[b] ? 1 : 0));
  const values = small.map((i) => pool.effective[i]);
  let best = approximateBestSubset(values, smallTotal, target, random);
  if (best.total !== target && smallTotal >= target + minChange) best = approximateBestSubset(values, smallTotal, target + minChange, random);
  if (lowestLarger !== undefined && ((best.total !== target && best.total < target + minChange) || pool.effective[lowestLarger] <= best.total)) return [lowestLarger];
  return small.filter((_, k) => best.picked[k]);
}

/**
 * Core's ApproximateBestSubset: random passes, each adding coins (largest first) until the
 * target is reached, keeping the smallest total found. Core runs 1,000 iterations whatever the
 * pool size; we bound the work (iterations × coins) so a wallet of thousands of small coins does
 * not make every send slow.
 */
function approximateBestSubset(values: readonly bigint[], total: bigint, target: bigint, random: () => number): { picked: boolean[]; total: bigint } {
  const iterations = Math.max(20, Math.min(1000, Math.floor(200_000 / Math.max(1, values.length))));
  let bestPicked = values.map(() => true);
  let bestTotal = total;
  const picked: boolean[] = new Array(values.length);
  for (let rep = 0; rep < iterations && bestTotal !== target; rep++) {
    picked.fill(false);
    let sum = 0n;
    let reached = false;
    for (let pass = 0; pass < 2 && !reached; pass++) {
      for (let i = 0; i < values.length; i++) {
        // First pass: each coin by a coin flip; second: every coin the first left out.
        if (pass === 0 ? random() < 0.5 : !picked[i]) {
          sum += values[i];
          picked[i] = true;
          if (sum >= target) {
            reached = true;
            if (sum < bestTotal) {
              bestTotal = sum;
              bestPicked = picked.slice();
            }
            sum -= values[i];
            picked[i] = false;
          }
        }
      }
    }
  }
  return { picked: bestPicked, total: bestTotal };
}

/** Single random draw (Core's SelectCoinsSRD): random coins until target plus CHANGE_LOWER is covered. */
export function singleRandomDraw(pool: Pool, target: bigint, random: () => number): number[] | undefined {
  const goal = target + CHANGE_LOWER;
  const n = pool.effective.length;
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let sum = 0n;
  // A Fisher-Yates shuffle drawn only as far as needed: a big coin ends the draw at once.
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(random() * (n - k));
    const picked = order[j];
    order[j] = order[k];
    order[k] = picked;
    sum += pool.effective[picked];
    if (sum >= goal) return order.slice(0, k + 1);
  }
  return undefined;
}

function shuffleInPlace(list: number[], random: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = list[i];
    list[i] = list[j];
    list[j] = swap;
  }
}
