import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removePidFile, writePidFile } from '../../src/node/pid-file.js';

test('the pid file replaces any old one whole, leaves no temp file, and is removed only while it names us', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'powcoin-pid-'));
  try {
    const path = join(dir, 'sub', 'powcoin.pid');
    writePidFile(path, 4242);
    writeFileSync(path, '99999999\n');
    writePidFile(path, 1234);
    assert.equal(readFileSync(path, 'utf8'), '1234\n');
    assert.deepEqual(await readdir(join(dir, 'sub')), ['powcoin.pid'], 'no temp file left beside it');
    removePidFile(path, 4242);
    assert.equal(readFileSync(path, 'utf8'), '1234\n', 'another process’s pid file stays');
    removePidFile(path, 1234);
    assert.deepEqual(await readdir(join(dir, 'sub')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
