/**
 * PostgreSQL unreachable for a while (a TCP proxy in front of it is cut, the
 * machine's server keeps running): /healthz says so with 503, clients are closed
 * with 4503 and refused until it is back, they keep editing on their own copy, and
 * once PostgreSQL answers again everything they wrote is stored.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { createMeeting, waitFor, notesOf, sampleArrived } from './helpers.ts';
import { health, startInstance, startProxy, textOf, storedNotes, useCleanup } from './multi-helpers.ts';
import { TEST_DATABASE_URL, servicesAvailable, withSchema } from './services.ts';

const available = await servicesAvailable('multi-postgres.test.ts', 'postgres');

const { cleanup, client, database } = useCleanup();

describe.skipIf(!available)('PostgreSQL outage', () => {
	it('reports 503, closes clients with 4503 while they keep editing, and stores everything once PostgreSQL is back', async () => {
		const schema = await database();
		const target = new URL(TEST_DATABASE_URL);
		const proxy = await startProxy(Number(target.port || 5432));
		cleanup.push(() => proxy.close());
		target.host = `127.0.0.1:${proxy.port}`;
		const server = await startInstance({ databaseUrl: withSchema(target.toString(), schema.name) }, cleanup);

		const meeting = await createMeeting(server.origin);
		const secretary = client(server.origin, meeting);
		await secretary.synced();
		await waitFor(() => sampleArrived(secretary.doc), 'the sample meeting');
		const notes = notesOf(secretary.doc);
		notes.insert(0, 'Före avbrottet. ');
		await waitFor(() => secretary.allSaved(), 'saved before the outage');

		proxy.cut();
		const down = await health(server.origin);
		expect(down).toMatchObject({ status: 503, body: { ok: false, storage: 'unavailable', fanout: 'ok' } });

		// The secretary keeps writing: the server cannot store it, says so with 4503, and refuses until storage is back.
		notes.insert(notes.length, 'Under avbrottet. ');
		await waitFor(() => secretary.closes.includes(CLOSE.UNAVAILABLE), 'closed with 4503');
		notes.insert(notes.length, 'Fortfarande offline.');
		expect(textOf(secretary)).toBe('Före avbrottet. Under avbrottet. Fortfarande offline.');
		expect(secretary.allSaved()).toBe(false);
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(secretary.provider.wsconnected).toBe(false);
		expect(server.output.some((line) => line.includes('storing an update failed'))).toBe(true);

		proxy.restore();
		await waitFor(() => secretary.allSaved(), 'everything saved once PostgreSQL is back', 10_000);
		expect(await health(server.origin)).toMatchObject({ status: 200, body: { ok: true, storage: 'ok' } });

		expect(await storedNotes(schema.url, meeting.id)).toBe('Före avbrottet. Under avbrottet. Fortfarande offline.');
	});
});
