/**
 * Two instances compacting the same meeting at the same moment (both unload it
 * together, again and again) while a third keeps appending for its typing clients:
 * the advisory lock serialises the compactions and no append is lost.
 */
import { describe, expect, it } from 'vitest';
import { createMeeting, notesOf, notesText } from './helpers.ts';
import { converged, count, startInstances, type, storedNotes, useCleanup } from './multi-helpers.ts';
import { TEST_REDIS_URL, servicesAvailable } from './services.ts';

const available = await servicesAvailable('multi-compaction.test.ts', 'postgres', 'redis');

const { cleanup, client, database } = useCleanup();

describe.skipIf(!available)('compaction with several instances', () => {
	it('loses no append while two instances compact the same meeting at once', async () => {
		const schema = await database();
		const [writerSide, left, right] = await startInstances(
			3,
			{ databaseUrl: schema.url, redisUrl: TEST_REDIS_URL, env: { COMPACT_AFTER_UPDATES: '5' } },
			cleanup
		);
		const meeting = await createMeeting(writerSide.origin);
		const writers = [client(writerSide.origin, meeting), client(writerSide.origin, meeting)];
		await Promise.all(writers.map((w) => w.synced()));
		const typing = writers.map((w, i) => type(w, 'ab'[i], 300, 3));

		// Each round opens the meeting on both other instances, adds a keystroke on each,
		// and leaves both at once: each unloads and compacts while the writers append.
		for (let round = 0; round < 8; round++) {
			const visitors = [client(left.origin, meeting), client(right.origin, meeting)];
			await Promise.all(visitors.map((v) => v.synced()));
			visitors.forEach((v) => notesOf(v.doc).insert(0, 'c'));
			await converged(visitors, `visitors saved, round ${round}`);
			for (const v of visitors) v.destroy();
			await new Promise((resolve) => setTimeout(resolve, 60));
		}
		await Promise.all(typing);
		const text = await converged(writers, 'writers converge');
		expect(count(text, 'a')).toBe(300);
		expect(count(text, 'b')).toBe(300);
		expect(count(text, 'c')).toBe(16);
		for (const instance of [left, right]) {
			expect(instance.output.filter((line) => line.includes('"log compacted"')).length).toBeGreaterThan(2);
		}

		expect(await storedNotes(schema.url, meeting.id)).toBe(text);

		const reader = client(left.origin, meeting);
		await reader.synced();
		expect(notesText(reader.doc)).toBe(text);
	});
});
