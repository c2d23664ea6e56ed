/**
 * An instance killed with SIGKILL while its clients type: the load balancer (a TCP
 * proxy here) sends them to another instance, their providers re-send what that
 * instance lacks, and nothing is lost, neither in the clients nor in PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { createMeeting, waitFor } from './helpers.ts';
import { converged, count, startInstances, startProxy, textOf, type, storedNotes, useCleanup } from './multi-helpers.ts';
import { TEST_REDIS_URL, servicesAvailable } from './services.ts';

const available = await servicesAvailable('multi-failover.test.ts', 'postgres', 'redis');

const { cleanup, client, database } = useCleanup();

describe.skipIf(!available)('failover', () => {
	it('loses nothing when an instance is killed with SIGKILL during typing and its clients move to another', async () => {
		const schema = await database();
		const [doomed, survivor] = await startInstances(2, { databaseUrl: schema.url, redisUrl: TEST_REDIS_URL }, cleanup);
		const balancer = await startProxy(doomed.port);
		cleanup.push(() => balancer.close());
		const meeting = await createMeeting(survivor.origin);

		const moving = [client(balancer.origin, meeting), client(balancer.origin, meeting)];
		const staying = client(survivor.origin, meeting);
		const everyone = [...moving, staying];
		await Promise.all(everyone.map((c) => c.synced()));

		const typing = everyone.map((c, i) => type(c, 'abc'[i], 250, 3));
		await waitFor(() => count(textOf(staying), 'a') > 60 && count(textOf(staying), 'b') > 60, 'typing reaches the other instance');
		await doomed.stop('SIGKILL');
		balancer.retarget(survivor.port);
		await Promise.all(typing);

		const text = await converged(everyone, 'convergence on the surviving instance');
		for (const char of 'abc') expect(count(text, char)).toBe(250);
		expect(survivor.output.some((line) => line.includes('"sync connected"'))).toBe(true);

		expect(await storedNotes(schema.url, meeting.id)).toBe(text);
	});
});
