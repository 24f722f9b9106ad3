import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKeyring } from '../../server/crypto/keyring.ts';
import { openSqliteStore } from '../../server/store/sqlite/sqlite-store.ts';
import { needles, runFullFlow } from './full-flow.ts';
import { makeHarness } from './harness.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('no secrets at rest', () => {
  it('leaves no TOTP secret, recovery code, password or token in plain text in any file under DATA_DIR', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'mfa-rest-')), 'data');
    const keyring = loadKeyring({ encryptionKey: null, oldEncryptionKeys: [], dataDir });
    const store = openSqliteStore({ path: join(dataDir, 'mfa.db') });
    const h = await makeHarness({ store, keyring, dataDir });
    const sensitive = await runFullFlow(h);
    expect(sensitive.secrets).toHaveLength(2);
    expect(sensitive.recoveryCodes).toHaveLength(30);

    const scan = () => {
      const files = filesUnder(dataDir);
      expect(files.map((f) => f.slice(dataDir.length + 1)).sort()).toEqual(
        expect.arrayContaining(['encryption.key', 'mfa.db']),
      );
      const found: string[] = [];
      for (const file of files) {
        const content = readFileSync(file);
        for (const { label, bytes } of needles(sensitive)) {
          if (content.includes(bytes)) found.push(`${label} in ${file.slice(dataDir.length + 1)}`);
        }
      }
      return found;
    };
    // While running (the WAL holds the latest writes) and after a clean close (checkpointed).
    expect(scan()).toEqual([]);
    await store.close();
    expect(scan()).toEqual([]);
    // The secrets are there, encrypted: the scan is not looking at an empty database.
    const reopened = openSqliteStore({ path: join(dataDir, 'mfa.db') });
    const factor = await reopened.getFactor(
      (await reopened.getUserByUsername('carol@client.test'))!.id,
    );
    expect(factor).toBeNull(); // batch-disabled
    await reopened.close();
    expect(statSync(join(dataDir, 'encryption.key')).mode & 0o777).toBe(0o600);
    rmSync(dataDir, { recursive: true, force: true });
  });
});
