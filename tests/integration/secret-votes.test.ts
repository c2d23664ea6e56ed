/**
 * Secret (sluten) votes against the real server process: voters cast through the server,
 * which counts without names and accepts one ballot per voter (also when two arrive at once,
 * and across two instances sharing PostgreSQL); non-voters, observers and a second ballot are
 * refused; a hand-made Yjs update writing a ballot (or the server's own "has voted" or count)
 * is refused for every role; nothing stored links a voter to a choice, and the log never
 * names a choice.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addProposition, openVote, readDecisionRounds } from '../../src/lib/meeting/index.ts';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { buildFormalMeeting, type FormalMeeting } from '../fixtures/formal-meeting.ts';
import {
	type Client,
	connectClient,
	connectRawSyncClient,
	createMeeting,
	serverPerSuite,
	startServerProcess,
	waitFor
} from './helpers.ts';
import { startInstances, useCleanup } from './multi-helpers.ts';
import { servicesAvailable } from './services.ts';

interface VoteSetup {
	meeting: { id: string; token: string };
	organiser: Client;
	formal: FormalMeeting;
	roundId: string;
	/** Personal links of the ledamöter, by index into `formal.members`. */
	links: string[];
}

async function post(origin: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
	const res = await fetch(`${origin}${url}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, json: await res.json() };
}

async function invite(origin: string, meetingId: string, organiserToken: string, input: { participantId?: string; name: string; role: string }): Promise<string> {
	const { status, json } = await post(origin, `/api/meetings/${meetingId}/invitations`, organiserToken, input);
	if (status !== 201) throw new Error(`invite: ${status} ${JSON.stringify(json)}`);
	return json.token as string;
}

/** A held nämnd meeting on the server with a secret vote open on item 2, and personal links for four ledamöter. */
async function setUp(origin: string, track: (client: Client) => void): Promise<VoteSetup> {
	const meeting = await createMeeting(origin, 'Byggnadsnämnden', { sample: false });
	const organiser = connectClient(origin, meeting.id, meeting.token);
	track(organiser);
	await organiser.synced();
	const formal = buildFormalMeeting();
	Y.applyUpdate(organiser.doc, Y.encodeStateAsUpdate(formal.doc));
	const motion = addProposition(organiser.doc, formal.items.detaljplan, { kind: 'motion', text: 'Detaljplanen återremitteras.' });
	const roundId = openVote(organiser.doc, formal.items.detaljplan, { method: 'closed', yesPropositionId: formal.original, noPropositionId: motion });
	await waitFor(() => organiser.allSaved(), 'the meeting and the open vote stored');
	const links = [];
	for (const index of [1, 2, 3, 4]) {
		links[index] = await invite(origin, meeting.id, meeting.token, { participantId: formal.members[index], name: `ledamot ${index}`, role: 'member' });
	}
	return { meeting, organiser, formal, roundId, links };
}

const ballot = (setup: VoteSetup, roundId = setup.roundId) => `/api/meetings/${setup.meeting.id}/votes/${roundId}/ballot`;
const close = (setup: VoteSetup) => `/api/meetings/${setup.meeting.id}/votes/${setup.roundId}/close`;

describe('secret votes (SQLite)', () => {
	const suite = serverPerSuite();

	it('counts one ballot per voter without names, and refuses everyone else', async () => {
		const setup = await setUp(suite.server.origin, suite.keep);
		const { formal, links, meeting, organiser } = setup;
		const observer = await invite(suite.server.origin, meeting.id, meeting.token, { name: 'Åhörare', role: 'observer' });
		const deputy = await invite(suite.server.origin, meeting.id, meeting.token, { participantId: formal.deputies[0], name: 'Jonas', role: 'member' });
		const shared = await invite(suite.server.origin, meeting.id, meeting.token, { name: 'Delad länk', role: 'member' });

		expect((await post(suite.server.origin, ballot(setup), links[1], { choice: 'yes' })).status).toBe(200);
		// A second ballot, the same choice or another: refused, and the first stands.
		expect((await post(suite.server.origin, ballot(setup), links[1], { choice: 'no' })).status).toBe(409);
		expect((await post(suite.server.origin, ballot(setup), links[1], { choice: 'yes' })).status).toBe(409);
		// Two at once from one voter: exactly one is counted.
		const twice = await Promise.all([
			post(suite.server.origin, ballot(setup), links[2], { choice: 'no' }),
			post(suite.server.origin, ballot(setup), links[2], { choice: 'no' })
		]);
		expect(twice.map((r) => r.status).sort()).toEqual([200, 409]);
		expect((await post(suite.server.origin, ballot(setup), links[3], { choice: 'abstain' })).status).toBe(200);

		// Not a voter (an ersättare not serving), no personal link, an observer, a bad choice, no such round.
		expect((await post(suite.server.origin, ballot(setup), deputy, { choice: 'yes' })).status).toBe(403);
		expect((await post(suite.server.origin, ballot(setup), shared, { choice: 'yes' })).status).toBe(403);
		expect((await post(suite.server.origin, ballot(setup), observer, { choice: 'yes' })).status).toBe(403);
		expect((await post(suite.server.origin, ballot(setup), links[4], { choice: 'ja' })).status).toBe(400);
		expect((await post(suite.server.origin, ballot(setup, 'NoSuchRound00000'), links[4], { choice: 'yes' })).status).toBe(404);

		// The document learns who has voted, never how.
		await waitFor(() => readDecisionRounds(organiser.doc, formal.items.detaljplan)[0]?.voted.length === 3, 'who has voted arrives');
		const open = readDecisionRounds(organiser.doc, formal.items.detaljplan)[0];
		expect(open.voted).toEqual([formal.members[1], formal.members[2], formal.members[3]]);
		expect(open.counts).toEqual({ yes: 0, no: 0, abstain: 0, absent: open.voters.length - 3 });

		// Only a runner closes; then the count arrives and later ballots are refused.
		expect((await post(suite.server.origin, close(setup), links[4])).status).toBe(403);
		const closed = await post(suite.server.origin, close(setup), meeting.token);
		expect(closed).toEqual({ status: 200, json: { counts: { yes: 1, no: 1, abstain: 1 } } });
		expect((await post(suite.server.origin, ballot(setup), links[4], { choice: 'yes' })).status).toBe(409);
		await waitFor(() => readDecisionRounds(organiser.doc, formal.items.detaljplan)[0]?.status === 'closed', 'the result arrives');
		const result = readDecisionRounds(organiser.doc, formal.items.detaljplan)[0];
		expect(result).toMatchObject({ status: 'closed', tied: true, ballots: [], counts: { yes: 1, no: 1, abstain: 1, absent: result.voters.length - 3 } });

		// Nothing stored pairs a name with a choice: no ballots in the document, none in the database.
		await suite.server.stop();
		const db = new Database(path.join(suite.dataDir, 'motesrum.db'), { readonly: true });
		const stored = new Y.Doc();
		for (const row of db.prepare('SELECT data FROM updates WHERE meeting_id = ?').all(meeting.id) as { data: Buffer }[]) Y.applyUpdate(stored, row.data);
		expect(stored.getMap('ballots').size).toBe(0);
		expect([...stored.getMap('secretVoted').values()]).toEqual([true, true, true]);
		expect(db.prepare('SELECT * FROM secret_voters WHERE meeting_id = ?').all(meeting.id).map((row) => Object.keys(row as object).sort())).toEqual(
			Array(3).fill(['meeting_id', 'participant_id', 'round_id'])
		);
		db.close();
		stored.destroy();
		expect(suite.server.output.filter((line) => /"(yes|no|abstain)"|choice/.test(line))).toEqual([]);
		suite.server = await startServerProcess({ dataDir: suite.dataDir });
	});

	it('refuses a hand-made update that writes a ballot of a secret vote, for every role', async () => {
		const setup = await setUp(suite.server.origin, suite.keep);
		const { formal, links, meeting, roundId } = setup;
		const crafted = (root: string, key: string, value: unknown) => {
			const doc = new Y.Doc();
			doc.getMap(root).set(key, value);
			return Y.encodeStateAsUpdate(doc);
		};
		const attempts: [string, string, Uint8Array][] = [
			['a voter writes their own ballot', links[1], crafted('ballots', `${roundId}:${formal.members[1]}`, { choice: 'yes', at: new Date().toISOString(), recordedBy: null })],
			['the organiser records a ballot', meeting.token, crafted('ballots', `${roundId}:${formal.members[2]}`, { choice: 'no', at: new Date().toISOString(), recordedBy: formal.members[0] })],
			['a voter marks themself as voted', links[3], crafted('secretVoted', `${roundId}:${formal.members[3]}`, true)],
			['the organiser writes a count', meeting.token, crafted('secretTallies', roundId, { yes: 9, no: 0, abstain: 0 })]
		];
		for (const [what, token, update] of attempts) {
			const raw = await connectRawSyncClient(suite.server.origin, { id: meeting.id, token });
			const closed = new Promise<number>((resolve) => raw.socket.once('close', (code) => resolve(code)));
			raw.send(update);
			expect(await closed, what).toBe(CLOSE.FORBIDDEN);
			expect(raw.notices.map((n) => n.code), what).toEqual(['forbidden']);
		}
		// A round opened offline with a ballot in the same update is refused too.
		const offline = new Y.Doc();
		Y.applyUpdate(offline, Y.encodeStateAsUpdate(setup.organiser.doc));
		const before = Y.encodeStateVector(offline);
		const second = openVote(offline, formal.items.personal, {
			method: 'closed',
			yesPropositionId: addProposition(offline, formal.items.personal, { kind: 'original', text: 'Bifall.' }),
			noPropositionId: addProposition(offline, formal.items.personal, { kind: 'motion', text: 'Avslag.' })
		});
		offline.getMap('ballots').set(`${second}:${formal.members[1]}`, { choice: 'yes', at: new Date().toISOString(), recordedBy: formal.members[0] });
		const raw = await connectRawSyncClient(suite.server.origin, meeting);
		const closed = new Promise<number>((resolve) => raw.socket.once('close', (code) => resolve(code)));
		raw.send(Y.encodeStateAsUpdate(offline, before));
		expect(await closed).toBe(CLOSE.FORBIDDEN);
		// The vote is untouched: the voter still casts through the suite.server.
		expect((await post(suite.server.origin, ballot(setup), links[1], { choice: 'yes' })).status).toBe(200);
	});
});

const postgres = await servicesAvailable('secret-votes.test.ts', 'postgres');
const { cleanup, database } = useCleanup();

describe.skipIf(!postgres)('secret votes across instances (PostgreSQL)', () => {
	it('one ballot per voter when the same voter votes on two instances at once', async () => {
		const schema = await database();
		const [a, b] = await startInstances(2, { databaseUrl: schema.url }, cleanup);
		const setup = await setUp(a.origin, (c) => cleanup.push(() => c.destroy()));
		for (const index of [1, 2]) {
			const results = await Promise.all([
				post(a.origin, ballot(setup), setup.links[index], { choice: 'yes' }),
				post(b.origin, ballot(setup), setup.links[index], { choice: 'no' })
			]);
			expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
		}
		const closed = await post(b.origin, close(setup), setup.meeting.token);
		expect(closed.status).toBe(200);
		expect(closed.json.counts.yes + closed.json.counts.no + closed.json.counts.abstain).toBe(2);
		expect((await post(a.origin, ballot(setup), setup.links[3], { choice: 'yes' })).status).toBe(409);
		const db = new pg.Client({ connectionString: schema.url });
		await db.connect();
		try {
			const { rows } = await db.query('SELECT * FROM secret_voters');
			expect(rows.map((row) => Object.keys(row).sort())).toEqual(Array(2).fill(['meeting_id', 'participant_id', 'round_id']));
		} finally {
			await db.end();
		}
	});
});
