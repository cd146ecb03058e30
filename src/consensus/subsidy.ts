import type { NetworkParams } from '../params/types.js';

/** After 64 halvings a right shift of a 64-bit amount is undefined in C++; Core returns 0 from there on. */
const MAX_HALVINGS = 64;

/** Core's GetBlockSubsidy: the initial subsidy halved (right shift) every halvingInterval blocks. */
export function blockSubsidy(height: number, params: NetworkParams): bigint {
  const halvings = Math.floor(height / params.halvingInterval);
  if (halvings >= MAX_HALVINGS) return 0n;
  return params.initialSubsidy >> BigInt(halvings);
}

/** Core's MoneyRange: an amount, or a sum of amounts, must lie in [0, maxMoney]. */
export function moneyRange(value: bigint, params: NetworkParams): boolean {
  return value >= 0n && value <= params.maxMoney;
}
