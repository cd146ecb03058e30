import assert from 'node:assert/strict';
import { RuleError, type RuleCode } from '../../src/consensus/errors.js';

/** Asserts that fn throws a RuleError with exactly this code (and, if given, this corruptionPossible flag). */
export function assertRule(fn: () => unknown, code: RuleCode, corruptionPossible?: boolean): RuleError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof RuleError, `expected RuleError ${code}, got ${caught === undefined ? 'no error' : String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (corruptionPossible !== undefined) assert.equal(caught.corruptionPossible, corruptionPossible, `${code} corruptionPossible`);
  return caught;
}
