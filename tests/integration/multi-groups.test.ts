/**
 * Meeting groups on PostgreSQL: "create the next meeting" sent at once to two server
 * processes on one schema creates exactly one meeting per sequence, and the group and
 * its meetings answer the same on both instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from './helpers.ts';
import { type Cleanup, startInstances } from './multi-helpers.ts';
import { TEST_REDIS_URL, freshSchema, servicesAvailable } from './services.ts';

const available = await servicesAvailable('multi-groups.test.ts', 'postgres', 'redis');

const cleanup: Cleanup = [];
let one: ServerProcess;
let two: ServerProcess;

beforeAll(async () => {
	if (!available) return;
	const schema = await freshSchema();
	cleanup.push(() => schema.drop());
	[one, two] = await startInstances(2, { databaseUrl: schema.url, redisUrl: TEST_REDIS_URL }, cleanup);
});

afterAll(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

interface GroupMeetingJson {
	id: string;
	sequence: number;
	created?: boolean;
}

async function post<T>(origin: string, path: string, token: string | null, body: unknown): Promise<{ status: number; body: T }> {
	const res = await fetch(`${origin}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as T };
}

describe.skipIf(!available)('meeting groups on PostgreSQL, two instances', () => {
	it('concurrent requests for the next meeting, spread over both instances, create it once', async () => {
		const group = await post<{ id: string; token: string }>(one.origin, '/api/groups', null, { name: 'Södertörnskommunernas ledningsgrupp' });
		expect(group.status).toBe(201);
		const { id, token } = group.body;
		const next = (srv: ServerProcess, after: string | null) =>
			post<GroupMeetingJson>(srv.origin, `/api/groups/${id}/meetings`, token, { after, date: '2023-03-10' });

		const firsts = await Promise.all([one, two, one, two, one, two].map((srv) => next(srv, null)));
		expect(firsts.filter((r) => r.status === 201)).toHaveLength(1);
		expect(firsts.filter((r) => r.status === 200).every((r) => r.body.created === false)).toBe(true);
		expect(new Set(firsts.map((r) => r.body.id)).size).toBe(1);

		const seconds = await Promise.all([two, one, two, one].map((srv) => next(srv, firsts[0].body.id)));
		expect(seconds.filter((r) => r.status === 201)).toHaveLength(1);
		expect(new Set(seconds.map((r) => r.body.id)).size).toBe(1);
		expect(seconds[0].body.sequence).toBe(2);

		for (const srv of [one, two]) {
			const res = await fetch(`${srv.origin}/api/groups/${id}`, { headers: { authorization: `Bearer ${token}` } });
			const body = (await res.json()) as { meetings: GroupMeetingJson[] };
			expect(body.meetings.map((m) => [m.sequence, m.id])).toEqual([
				[1, firsts[0].body.id],
				[2, seconds[0].body.id]
			]);
			const meeting = await fetch(`${srv.origin}/api/meetings/${seconds[0].body.id}`, { headers: { authorization: `Bearer ${token}` } });
			expect(meeting.status).toBe(200);
		}
	});
});
