/**
 * Redis goes away and comes back empty (a restart without persistence): the
 * instances report the fan-out as unavailable, keep storing, resubscribe once it is
 * back, and re-read PostgreSQL, so the edits made on each side meanwhile reach the
 * other. Uses its own redis-server on a free port; the machine's Redis is untouched.
 */
import { describe, expect, it } from 'vitest';
import { createMeeting, waitFor, notesOf } from './helpers.ts';
import { converged, count, health, startInstances, startRedis, textOf, type, useCleanup } from './multi-helpers.ts';
import { servicesAvailable } from './services.ts';

const available = await servicesAvailable('multi-redis.test.ts', 'postgres', 'redis-server');

const { cleanup, client, database } = useCleanup();

describe.skipIf(!available)('Redis restart', () => {
	it('resubscribes and re-syncs from storage after Redis restarted empty', async () => {
		const schema = await database();
		const redis = await startRedis(cleanup);
		const [a, b] = await startInstances(2, { databaseUrl: schema.url, redisUrl: redis.url }, cleanup);
		const meeting = await createMeeting(a.origin);
		const onA = client(a.origin, meeting);
		const onB = client(b.origin, meeting);
		await Promise.all([onA.synced(), onB.synced()]);
		await Promise.all([type(onA, 'a', 30), type(onB, 'b', 30)]);
		await converged([onA, onB], 'before the restart');

		await redis.kill();
		await waitFor(async () => (await health(a.origin)).status === 503, 'health reports the fan-out down', 5000);
		expect((await health(b.origin)).body).toMatchObject({ ok: false, storage: 'ok', fanout: 'unavailable' });

		// Both sides keep editing and storing while the instances cannot reach each other.
		await Promise.all([type(onA, 'A', 40), type(onB, 'B', 40)]);
		await waitFor(() => onA.allSaved() && onB.allSaved(), 'stored in PostgreSQL during the outage');

		await redis.start();
		const text = await converged([onA, onB], 'convergence after Redis is back');
		for (const [char, n] of [['a', 30], ['b', 30], ['A', 40], ['B', 40]] as const) expect(count(text, char)).toBe(n);
		await waitFor(async () => (await health(a.origin)).status === 200, 'health back to ok', 5000);
		expect((await health(b.origin)).body).toMatchObject({ ok: true, fanout: 'ok' });
		expect(a.output.some((line) => line.includes('Redis unavailable'))).toBe(true);

		// Live fan-out works again, not only the re-read.
		notesOf(onA.doc).insert(0, 'Z');
		await waitFor(() => textOf(onB).startsWith('Z'), 'a keystroke crosses instances again', 2000);
	});
});
