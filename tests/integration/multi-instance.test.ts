/**
 * Several server processes on one PostgreSQL schema and one Redis: clients spread
 * over them converge, keystrokes and presence cross instances within milliseconds,
 * and a room re-reads the storage when a client joins (what a crashed peer stored
 * but never published is picked up).
 */
import { describe, expect, it } from 'vitest';
import { type Client, createMeeting, waitFor, notesOf } from './helpers.ts';
import { converged, count, health, startInstance, startInstances, textOf, type, useCleanup } from './multi-helpers.ts';
import { TEST_REDIS_URL, servicesAvailable } from './services.ts';

const available = await servicesAvailable('multi-instance.test.ts', 'postgres', 'redis');

const { cleanup, client, database } = useCleanup();

describe.skipIf(!available)('several instances', () => {
	it('two instances: four clients spread over them converge, and a keystroke crosses instances within milliseconds', async () => {
		const databaseUrl = (await database()).url;
		const [a, b] = await startInstances(2, { databaseUrl, redisUrl: TEST_REDIS_URL }, cleanup);
		expect(await health(a.origin)).toMatchObject({ status: 200, body: { storage: 'ok', fanout: 'ok' } });
		const meeting = await createMeeting(a.origin);
		const clients = [client(a.origin, meeting), client(a.origin, meeting), client(b.origin, meeting), client(b.origin, meeting)];
		await Promise.all(clients.map((c) => c.synced()));

		await Promise.all(clients.map((c, i) => type(c, 'wxyz'[i], 100)));
		const text = await converged(clients, 'four clients on two instances converge');
		for (const char of 'wxyz') expect(count(text, char)).toBe(100);

		const [fromA, , toB] = clients;
		const latencies: number[] = [];
		for (let i = 0; i < 20; i++) {
			const arrived = new Promise<number>((resolve) => {
				const onUpdate = () => {
					toB.doc.off('update', onUpdate);
					resolve(performance.now());
				};
				toB.doc.on('update', onUpdate);
			});
			const started = performance.now();
			notesOf(fromA.doc).insert(0, '!');
			latencies.push((await arrived) - started);
		}
		await converged(clients, 'after the keystrokes');
		expect(count(textOf(toB), '!')).toBe(20);
		latencies.sort((x, y) => x - y);
		const median = latencies[latencies.length >> 1];
		console.info(`keystroke A → B across instances: median ${median.toFixed(2)} ms, max ${latencies.at(-1)!.toFixed(2)} ms`);
		// Stored in PostgreSQL, then XADD → XREAD on loopback: a few milliseconds, not a poll interval.
		expect(median).toBeLessThan(25);
	});

	it('three instances: clients converge while typing, and presence crosses instances', async () => {
		const databaseUrl = (await database()).url;
		const instances = await startInstances(3, { databaseUrl, redisUrl: TEST_REDIS_URL }, cleanup);
		const meeting = await createMeeting(instances[1].origin);
		const clients = instances.map((instance) => client(instance.origin, meeting));
		await Promise.all(clients.map((c) => c.synced()));

		await Promise.all(clients.map((c, i) => type(c, 'abc'[i], 150)));
		const text = await converged(clients, 'three instances converge');
		for (const char of 'abc') expect(count(text, char)).toBe(150);

		// The server sets `user` from the invitation (docs/security.md); the rest of the state is the client's.
		clients[0].provider.awareness.setLocalStateField('itemId', 'punkt-7');
		const sees = (c: Client) =>
			[...c.provider.awareness.getStates().values()].some((state) => state.itemId === 'punkt-7');
		await waitFor(() => sees(clients[1]) && sees(clients[2]), 'presence on the other instances', 3000);

		// A fresh client on the third instance reads everything back.
		const reader = client(instances[2].origin, meeting);
		await reader.synced();
		expect(textOf(reader)).toBe(text);
	});

	it('a room re-reads the storage when a client joins, so updates that were stored but never published appear', async () => {
		const databaseUrl = (await database()).url;
		// The first instance runs without fan-out: like a peer that crashed between storing and publishing.
		const silent = await startInstance({ databaseUrl }, cleanup);
		const shared = await startInstance({ databaseUrl, redisUrl: TEST_REDIS_URL }, cleanup);
		const meeting = await createMeeting(shared.origin);
		const watcher = client(shared.origin, meeting);
		await watcher.synced();

		const writer = client(silent.origin, meeting);
		await writer.synced();
		notesOf(writer.doc).insert(0, '§4 Beslut: förslaget bifalls');
		await waitFor(() => writer.allSaved(), 'stored by the silent instance');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(textOf(watcher)).toBe('');

		const joining = client(shared.origin, meeting);
		await joining.synced();
		await waitFor(() => textOf(watcher) === '§4 Beslut: förslaget bifalls', 'the watcher gets the stored update after a join', 3000);
		await waitFor(() => textOf(joining) === '§4 Beslut: förslaget bifalls', 'the joining client has it', 3000);
	});
});
