/**
 * The notice of approved minutes (anslag) against the real server process: refused before
 * approval and for roles other than the organiser, dates checked, stored beside the
 * approval and read back with the end of the appeal period.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMeeting } from '../../src/lib/meeting/index.ts';
import { appealEndsOn, earliestTakeDown, swedishDate } from '../../src/lib/minutes/notice.ts';
import { buildLedningsgrupp20230609 } from '../fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { invite } from './access-helpers.ts';
import { type Client, type ServerProcess, connectClient, createMeeting, freePort, startServerProcess, tempDir, waitFor } from './helpers.ts';

let server: ServerProcess;
let dataDir: string;
const clients: Client[] = [];

beforeAll(async () => {
	dataDir = tempDir();
	server = await startServerProcess({ dataDir, port: await freePort() });
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

async function api(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
	const res = await fetch(`${server.origin}${url}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, json: await res.json() };
}

describe('notice of the approved minutes', () => {
	it('is recorded by the organiser after approval, with dates checked', async () => {
		const meeting = await createMeeting(server.origin, 'Södertörnskommunernas ledningsgrupp', { sample: false });
		const writer = connectClient(server.origin, meeting.id, meeting.token);
		clients.push(writer);
		await writer.synced();
		buildLedningsgrupp20230609({ doc: writer.doc });
		await waitFor(() => writer.allSaved(), 'the seed stored');
		expect(readMeeting(writer.doc).agenda.length).toBe(11);

		const url = `/api/meetings/${meeting.id}/minutes/notice`;
		const today = swedishDate(new Date().toISOString());
		const notice = { postedOn: today, takeDownOn: earliestTakeDown(today), keptAt: 'Kommunledningskontoret, Huddinge' };
		expect(await api('GET', url, meeting.token)).toEqual({ status: 200, json: { notice: null, appealEndsOn: null } });
		expect((await api('PUT', url, meeting.token, notice)).status).toBe(409);

		expect((await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'ready' })).status).toBe(200);
		expect((await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve' })).json.frozenAt).toEqual(
			expect.any(String)
		);

		const { token: member } = await invite(server.origin, meeting, { name: 'Stefan Hollmark', role: 'member' });
		expect((await api('PUT', url, member, notice)).status).toBe(403);
		const early = await api('PUT', url, meeting.token, { ...notice, takeDownOn: appealEndsOn(today) });
		expect(early.status).toBe(400);
		expect(early.json.error).toContain(earliestTakeDown(today));

		const saved = await api('PUT', url, meeting.token, notice);
		expect(saved.status).toBe(200);
		expect(saved.json).toEqual({
			notice: { meetingId: meeting.id, ...notice, recordedBy: expect.any(String), recordedAt: expect.any(String) },
			appealEndsOn: appealEndsOn(today)
		});
		expect((await api('GET', url, member)).json).toEqual(saved.json);
	});
});
