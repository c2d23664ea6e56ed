import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from './sqlite.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-sqlite-unit-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SqliteStorage prepared statements', () => {
	it('are prepared again after close() and init(), not reused from the closed connection', async () => {
		const storage = new SqliteStorage(path.join(dir, 'reopen.db'));
		await storage.init();
		await storage.meetings.createMeeting({ id: 'AAAAAAAAAAAAAAAAAAAAAA', title: 'Reopen' });
		await storage.docs.appendUpdate('AAAAAAAAAAAAAAAAAAAAAA', Uint8Array.of(1));
		await storage.close();

		await storage.init();
		await storage.docs.appendUpdate('AAAAAAAAAAAAAAAAAAAAAA', Uint8Array.of(2));
		expect(await storage.docs.loadUpdates('AAAAAAAAAAAAAAAAAAAAAA')).toEqual([Uint8Array.of(1), Uint8Array.of(2)]);
		expect(await storage.docs.countUpdates('AAAAAAAAAAAAAAAAAAAAAA')).toBe(2);
		await storage.close();
	});

	it('keep serving the same statement across many appends in order', async () => {
		const storage = new SqliteStorage(':memory:');
		await storage.init();
		await storage.meetings.createMeeting({ id: 'BBBBBBBBBBBBBBBBBBBBBB', title: 'Many' });
		for (let i = 0; i < 100; i++) await storage.docs.appendUpdate('BBBBBBBBBBBBBBBBBBBBBB', Uint8Array.of(i));
		const loaded = await storage.docs.loadUpdates('BBBBBBBBBBBBBBBBBBBBBB');
		expect(loaded.map((update) => update[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
		await storage.close();
	});
});
