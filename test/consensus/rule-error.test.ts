import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleError } from '../../src/consensus/errors.js';
import { rejectReason } from '../../src/rpc/errors.js';

test('a RuleError carries its detail as a field; the reject reason is built from it, not from the message', () => {
  const err = new RuleError('bad-txns-in-belowout', 'value in 5 < value out 6');
  assert.equal(err.detail, 'value in 5 < value out 6');
  assert.equal(err.message, 'bad-txns-in-belowout: value in 5 < value out 6');
  assert.equal(rejectReason(err), 'bad-txns-in-belowout (value in 5 < value out 6)');
  const bare = new RuleError('high-hash');
  assert.equal(bare.detail, undefined);
  assert.equal(rejectReason(bare), 'high-hash');
});
