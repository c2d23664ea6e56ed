/**
 * Roles enforced by the server, against the real server process with stock
 * y-websocket clients that bypass any UI: for every role × operation, a forbidden
 * operation never reaches a third (observer) client nor storage (read after the server
 * stopped, and through a client after a restart); an allowed one reaches both.
 * Also: uninvited and revoked tokens, awareness forging, and the invitation API.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import type { ApprovalState } from '../../src/lib/minutes/types.ts';
import {
	addAttachment,
	addItem,
	addParticipant,
	closeMeeting,
	getItemNotes,
	readLiveState,
	setCheckedIn,
	setHeader,
	startBreak,
	startItem,
	updateParticipant,
	openMeeting
} from '../../src/lib/meeting/index.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { type AccessClient, type PreparedMeeting, connectWithNotices, invite, prepareMeeting, stateOf } from './access-helpers.ts';
import { type ServerProcess, createMeeting, startServerProcess, tempDir, upgradeStatus, waitFor } from './helpers.ts';

const ENV = { API_RATE_BURST: '100000', API_RATE_PER_SECOND: '100000', CONNECT_RATE_BURST: '100000', CONNECT_RATE_PER_SECOND: '100000' };

let server: ServerProcess;
let dataDir: string;
const open: AccessClient[] = [];
const issuedTokens: string[] = [];

function connect(meetingId: string, token: string): AccessClient {
	const client = connectWithNotices(server.origin, meetingId, token);
	open.push(client);
	return client;
}

async function newMeeting() {
	const meeting = await createMeeting(server.origin);
	issuedTokens.push(meeting.token);
	return meeting;
}

async function inviteAs(meeting: { id: string; token: string }, role: string, participantId?: string) {
	const invitation = await invite(server.origin, meeting, { name: `Person (${role})`, role, participantId });
	issuedTokens.push(invitation.token);
	return invitation;
}

function closeAll(): void {
	for (const client of open.splice(0)) client.destroy();
}

beforeAll(async () => {
	dataDir = tempDir();
	server = await startServerProcess({ dataDir, env: ENV });
});

afterAll(async () => {
	closeAll();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Operation {
	name: string;
	/** Opens the meeting before (false) or leaves it planned (true). */
	planned?: boolean;
	run(doc: Y.Doc, meeting: PreparedMeeting): void;
	/** The part of the document the operation changes. */
	probe(doc: Y.Doc, meeting: PreparedMeeting): unknown;
}

const OPERATIONS: Operation[] = [
	{
		name: 'edit notes',
		run: (doc, m) => getItemNotes(doc, m.item1).insert(0, 'Diskussion: '),
		probe: (doc, m) => getItemNotes(doc, m.item1).toString()
	},
	{ name: 'add item', run: (doc) => void addItem(doc, { title: 'Ny punkt' }), probe: (doc) => doc.getMap('items').size },
	{
		name: 'check in',
		run: (doc, m) => setCheckedIn(doc, m.participantId, true),
		probe: (doc, m) => (doc.getMap('participants').get(m.participantId) as Y.Map<unknown>).get('checkedIn')
	},
	{ name: 'move current item', run: (doc, m) => void startItem(doc, m.item2), probe: (doc) => readLiveState(doc).currentItemId },
	{ name: 'open meeting', planned: true, run: (doc) => openMeeting(doc), probe: (doc) => readLiveState(doc).status },
	{ name: 'start break', run: (doc) => startBreak(doc, { note: 'Kort paus' }), probe: (doc) => readLiveState(doc).status },
	{ name: 'close meeting', run: (doc) => closeMeeting(doc), probe: (doc) => readLiveState(doc).status },
	{
		// The listing of a handling: it names bytes the server serves to everyone who may read the item.
		name: 'list a file',
		run: (doc, m) => void addAttachment(doc, m.item1, { name: 'Bilaga.pdf', sha256: 'a'.repeat(64), size: 1200, type: 'application/pdf' }),
		probe: (doc) => doc.getMap('attachments').size
	},
	{ name: 'delete an event', run: (doc) => doc.getArray('events').delete(0, 1), probe: (doc) => doc.getArray('events').length },
	{ name: 'change document kind', run: (doc) => setHeader(doc, { kind: 'minutes' }), probe: (doc) => doc.getMap('header').get('kind') },
	{
		name: 'change a participant role',
		run: (doc, m) => updateParticipant(doc, m.participantId, { role: 'chair' }),
		probe: (doc, m) => (doc.getMap('participants').get(m.participantId) as Y.Map<unknown>).get('role')
	},
	{ name: 'change schema version', run: (doc) => doc.getMap('meta').set('schemaVersion', 1.5), probe: (doc) => doc.getMap('meta').get('schemaVersion') }
];

/** The record: written only by those who run the meeting. */
const RECORD = ['add item', 'list a file', 'check in', 'move current item', 'open meeting', 'start break', 'close meeting', 'change document kind', 'change a participant role'];
/**
 * Written out here, independently of src/lib/protocol/roles.ts, as docs/security.md states it.
 * The member is invited as the participant being checked in, so checking in is their own;
 * the adjuster and the guest are invited without a participant: a guest then attends no
 * item, so writes no notes either. Deleting from the live flow log and a schema version
 * that is not a whole number are refused for everyone.
 */
const ALLOWED: Record<string, readonly string[]> = {
	organiser: ['edit notes', ...RECORD],
	chair: ['edit notes', ...RECORD],
	secretary: ['edit notes', ...RECORD],
	adjuster: ['edit notes'],
	member: ['edit notes', 'check in'],
	guest: [],
	observer: []
};
/** Refused as off-schema (4422) rather than as beyond the role (4403). */
const INVALID = new Set(['change schema version']);

interface Outcome {
	meetingId: string;
	observerToken: string;
	operation: Operation;
	meeting: PreparedMeeting;
	allowed: boolean;
	before: unknown;
	attempted: unknown;
}
const outcomes: Outcome[] = [];

const CASES = Object.keys(ALLOWED).flatMap((role) => OPERATIONS.map((operation) => ({ role, operation })));

describe('role × operation over raw y-websocket clients', () => {
	it.each(CASES.map((c) => [c.role, c.operation.name, c] as const))('%s: %s', async (role, _name, { operation }) => {
		const created = await newMeeting();
		const organiser = connect(created.id, created.token);
		const meeting = await prepareMeeting(organiser, { planned: operation.planned });
		const watcherInvitation = await inviteAs(created, 'observer');
		const watcher = connect(created.id, watcherInvitation.token);
		const actorInvitation = await inviteAs(created, role, role === 'member' ? meeting.participantId : undefined);
		const actor = connect(created.id, actorInvitation.token);
		await Promise.all([watcher.synced(), actor.synced()]);
		await waitFor(() => stateOf(watcher.doc) === stateOf(organiser.doc) && stateOf(actor.doc) === stateOf(organiser.doc), 'everyone synced');

		const allowed = ALLOWED[role].includes(operation.name);
		const before = operation.probe(watcher.doc, meeting);
		operation.run(actor.doc, meeting);
		const attempted = operation.probe(actor.doc, meeting);
		expect(attempted, 'the operation changes the actor’s own copy').not.toEqual(before);

		if (allowed) {
			await waitFor(() => operation.probe(watcher.doc, meeting) === attempted, 'the change reaches the observer');
			await waitFor(() => actor.allSaved(), 'the change is saved');
			expect(actor.closes).toEqual([]);
			expect(actor.notices).toEqual([]);
		} else {
			if (role === 'observer') {
				await waitFor(() => actor.notices.some((n) => n.code === 'read-only'), 'read-only notice');
			} else if (INVALID.has(operation.name)) {
				await waitFor(() => actor.closes.includes(CLOSE.INVALID), 'closed with 4422');
				expect(actor.notices.map((n) => n.code)).toEqual(['invalid']);
			} else {
				await waitFor(() => actor.closes.includes(CLOSE.FORBIDDEN), 'closed with 4403');
				expect(actor.notices.map((n) => n.code)).toEqual(['forbidden']);
			}
			// Broadcasts keep their order: once a later write arrived, the refused one never will.
			setHeader(organiser.doc, { place: `Sammanträdesrummet ${role}` });
			await waitFor(() => watcher.doc.getMap('header').get('place') === `Sammanträdesrummet ${role}`, 'a later write arrives');
			expect(operation.probe(watcher.doc, meeting)).toEqual(before);
			expect(operation.probe(organiser.doc, meeting)).toEqual(before);
			expect(organiser.closes).toEqual([]);
			expect(watcher.closes).toEqual([]);
		}
		outcomes.push({ meetingId: created.id, observerToken: watcherInvitation.token, operation, meeting, allowed, before, attempted });
		closeAll();
	});

	it('justering: ready is the secretary’s and organiser’s, approving the chair’s, adjusters’ (each as themselves) and organiser’s; afterwards every role is read-only', async () => {
		const created = await newMeeting();
		const organiser = connect(created.id, created.token);
		const meeting = await prepareMeeting(organiser);
		// A protokoll, so the chair approves as well as the two adjusters.
		setHeader(organiser.doc, { kind: 'minutes' });
		const chairId = addParticipant(organiser.doc, { name: 'Rickard Ordförande', role: 'chair' });
		const secretaryId = addParticipant(organiser.doc, { name: 'Helene Sekreterare', role: 'secretary' });
		const adjusterX = addParticipant(organiser.doc, { name: 'Camilla Justerare', role: 'adjuster' });
		const adjusterY = addParticipant(organiser.doc, { name: 'Stefan Justerare', role: 'adjuster' });
		await waitFor(() => organiser.allSaved(), 'roster saved');

		const tokens: Record<string, string> = {
			organiser: created.token,
			chair: (await inviteAs(created, 'chair', chairId)).token,
			secretary: (await inviteAs(created, 'secretary', secretaryId)).token,
			adjuster: (await inviteAs(created, 'adjuster', adjusterX)).token,
			member: (await inviteAs(created, 'member', meeting.participantId)).token,
			guest: (await inviteAs(created, 'guest')).token,
			observer: (await inviteAs(created, 'observer')).token
		};
		const approval = async (role: string, body: Record<string, unknown>) => {
			const res = await fetch(`${server.origin}/api/meetings/${created.id}/approval`, {
				method: 'POST',
				headers: { authorization: `Bearer ${tokens[role]}`, 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
			return { status: res.status, json: (await res.json()) as ApprovalState };
		};
		const approvalState = async () => {
			const res = await fetch(`${server.origin}/api/meetings/${created.id}/minutes/approval`, { headers: { authorization: `Bearer ${created.token}` } });
			return (await res.json()) as ApprovalState;
		};

		for (const role of ['chair', 'adjuster', 'member', 'guest', 'observer']) {
			expect((await approval(role, { action: 'ready' })).status, `${role} marks ready`).toBe(403);
		}
		expect((await approvalState()).ready).toBeNull();
		const ready = await approval('secretary', { action: 'ready' });
		expect(ready.status).toBe(200);
		expect(ready.json.ready).toMatchObject({ participantId: secretaryId, role: 'secretary' });
		expect((await approval('organiser', { action: 'ready' })).status).toBe(200);

		for (const role of ['member', 'guest', 'observer', 'secretary']) {
			expect((await approval(role, { action: 'approve' })).status, `${role} approves`).toBe(403);
			expect((await approval(role, { action: 'approve', participantId: adjusterY })).status, `${role} approves as an adjuster`).toBe(403);
		}
		// The adjuster invited for X approves neither as the other adjuster nor as the chair, nor
		// the chair as an adjuster.
		for (const [role, as] of [['adjuster', adjusterY], ['adjuster', chairId], ['chair', adjusterX]]) {
			expect((await approval(role, { action: 'approve', participantId: as })).status, `${role} approves as ${as}`).toBe(403);
		}
		let state = await approvalState();
		expect(state.approvals).toEqual([]);
		expect(state.pending.map((p) => p.participantId)).toEqual([chairId, adjusterX, adjusterY]);

		const byChair = await approval('chair', { action: 'approve' });
		expect(byChair.status).toBe(200);
		expect(byChair.json.approvals.map((a) => a.participantId)).toEqual([chairId]);
		const byAdjuster = await approval('adjuster', { action: 'approve' });
		expect(byAdjuster.status).toBe(200);
		expect(byAdjuster.json.approvals.map((a) => a.participantId).sort()).toEqual([chairId, adjusterX].sort());
		expect(byAdjuster.json.frozenAt).toBeNull();

		// A reader whose connection stays open across the freeze, like the organiser’s writer.
		const watcher = connect(created.id, tokens.observer);
		await watcher.synced();
		const notesBefore = getItemNotes(watcher.doc, meeting.item1).toString();
		// The organiser approves on paper for the other adjuster: the last approval freezes the meeting.
		const last = await approval('organiser', { action: 'approve', participantId: adjusterY });
		expect(last.status).toBe(200);
		expect(last.json.frozenAt).toEqual(expect.any(String));
		expect(last.json.pending).toEqual([]);
		expect((await approval('adjuster', { action: 'approve' })).status).toBe(409);

		await waitFor(() => organiser.notices.some((n) => n.code === 'frozen'), 'the open writer is told');
		getItemNotes(organiser.doc, meeting.item1).insert(0, 'organiser efter justering ');
		// Every role connecting now is read-only: its write is dropped with a notice.
		for (const role of Object.keys(tokens)) {
			const actor = connect(created.id, tokens[role]);
			await actor.synced();
			getItemNotes(actor.doc, meeting.item1).insert(0, `${role} efter justering `);
			setHeader(actor.doc, { place: `${role} efter justering` });
			expect(getItemNotes(actor.doc, meeting.item1).toString(), 'the write changes the actor’s own copy').toContain(role);
			await waitFor(() => actor.notices.some((n) => n.code === 'frozen'), `${role} told the meeting is frozen`);
			expect(actor.allSaved(), `${role}’s write is never confirmed as saved`).toBe(false);
		}
		const reader = connect(created.id, tokens.observer);
		await reader.synced();
		for (const doc of [watcher.doc, reader.doc]) {
			expect(getItemNotes(doc, meeting.item1).toString()).toBe(notesBefore);
			expect(doc.getMap('header').get('place')).toBeUndefined();
		}
		// The stored document is exactly the sealed one (also its Yjs state, not only what the minutes show).
		const verify = await fetch(`${server.origin}/api/meetings/${created.id}/minutes/verify`, { headers: { authorization: `Bearer ${tokens.member}` } });
		expect(await verify.json()).toMatchObject({ ok: true, reason: null, fingerprint: last.json.fingerprint });
		closeAll();
	});

	it('nothing refused reached storage: the stored documents, read with the server stopped and again after a restart', async () => {
		expect(outcomes).toHaveLength(CASES.length);
		await server.stop();
		const storage = SqliteStorage.inDataDir(dataDir);
		await storage.init();
		try {
			for (const outcome of outcomes) {
				const doc = new Y.Doc();
				for (const update of await storage.docs.loadUpdates(outcome.meetingId)) Y.applyUpdate(doc, update);
				const stored = outcome.operation.probe(doc, outcome.meeting);
				expect(stored, `${outcome.operation.name} (${outcome.allowed ? 'allowed' : 'refused'})`).toEqual(
					outcome.allowed ? outcome.attempted : outcome.before
				);
				doc.destroy();
			}
		} finally {
			await storage.close();
		}

		server = await startServerProcess({ dataDir, env: ENV });
		for (const outcome of outcomes.filter((o) => !o.allowed).slice(0, 12)) {
			const reader = connect(outcome.meetingId, outcome.observerToken);
			await reader.synced();
			expect(outcome.operation.probe(reader.doc, outcome.meeting)).toEqual(outcome.before);
		}
		closeAll();
	});
});

describe('uninvited and revoked', () => {
	it('refuses no token, a wrong token and another meeting’s token at the upgrade and in the API', async () => {
		const a = await newMeeting();
		const b = await newMeeting();
		const base = `${server.origin.replace('http', 'ws')}/sync/${a.id}`;
		expect(await upgradeStatus(base)).toBe(401);
		expect(await upgradeStatus(`${base}?token=${'x'.repeat(43)}`)).toBe(401);
		expect(await upgradeStatus(`${base}?token=${b.token}`)).toBe(401);
		for (const token of [null, 'x'.repeat(43), b.token]) {
			const res = await fetch(`${server.origin}/api/meetings/${a.id}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
			expect(res.status).toBe(401);
		}
	});

	it('revoking an invitation closes its open connection with 4401 at once and refuses it afterwards', async () => {
		const created = await newMeeting();
		const organiser = connect(created.id, created.token);
		await prepareMeeting(organiser);
		const member = await inviteAs(created, 'member');
		const other = await inviteAs(created, 'member');
		const client = connect(created.id, member.token);
		const bystander = connect(created.id, other.token);
		await Promise.all([client.synced(), bystander.synced()]);

		const res = await fetch(`${server.origin}/api/meetings/${created.id}/invitations/${member.invitationId}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${created.token}` }
		});
		expect(res.status).toBe(204);
		await waitFor(() => client.closes.includes(CLOSE.UNAUTHORIZED), 'closed with 4401');
		expect(bystander.closes).toEqual([]);
		expect(await upgradeStatus(`${server.origin.replace('http', 'ws')}/sync/${created.id}?token=${member.token}`)).toBe(401);
		const api = await fetch(`${server.origin}/api/meetings/${created.id}`, { headers: { authorization: `Bearer ${member.token}` } });
		expect(api.status).toBe(401);
		// The stock client stops reconnecting on 44xx.
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(client.provider.wsconnected).toBe(false);
		closeAll();
	});

	it('a new link for the same participant invalidates the old one, and closes its connection', async () => {
		const created = await newMeeting();
		const organiser = connect(created.id, created.token);
		const { participantId } = await prepareMeeting(organiser);
		const first = await inviteAs(created, 'member', participantId);
		const client = connect(created.id, first.token);
		await client.synced();
		const second = await inviteAs(created, 'member', participantId);
		await waitFor(() => client.closes.includes(CLOSE.UNAUTHORIZED), 'old link closed with 4401');
		const base = `${server.origin.replace('http', 'ws')}/sync/${created.id}?token=`;
		expect(await upgradeStatus(base + first.token)).toBe(401);
		expect(await upgradeStatus(base + second.token)).toBe(101);
		closeAll();
	});
});

describe('presence', () => {
	it('ties awareness to the invitation: a forged name and role are replaced, others’ client ids cannot be taken over', async () => {
		const created = await newMeeting();
		const organiser = connect(created.id, created.token);
		const { participantId } = await prepareMeeting(organiser);
		const memberInvitation = await invite(server.origin, created, { name: 'Anna Andersson', role: 'member', participantId });
		issuedTokens.push(memberInvitation.token);
		const watcherInvitation = await inviteAs(created, 'observer');
		const watcher = connect(created.id, watcherInvitation.token);
		const member = connect(created.id, memberInvitation.token);
		await Promise.all([watcher.synced(), member.synced()]);

		member.provider.awareness.setLocalState({ user: { name: 'Ordföranden', role: 'chair', participantId: 'someone' }, itemId: 'x' });
		await waitFor(() => (watcher.provider.awareness.getStates().get(member.doc.clientID) as { itemId?: string } | undefined)?.itemId === 'x', 'member presence');
		expect(watcher.provider.awareness.getStates().get(member.doc.clientID)).toEqual({
			user: { name: 'Anna Andersson', role: 'member', participantId },
			itemId: 'x'
		});

		// Claim the watcher's client id from the member's connection.
		const watcherId = watcher.doc.clientID;
		// The initial clock-0 state is never propagated by y-protocols; a first real state is.
		watcher.provider.awareness.setLocalStateField('itemId', 'w');
		await waitFor(() => organiser.provider.awareness.getStates().has(watcherId), 'watcher presence');
		const watcherBefore = JSON.stringify(organiser.provider.awareness.getStates().get(watcherId));
		expect(watcherBefore).toContain('"role":"observer"');
		const { encodeAwarenessUpdate, Awareness } = await import('y-protocols/awareness');
		const fake = new Awareness(new Y.Doc());
		fake.clientID = watcherId;
		fake.setLocalState({ user: { name: 'Förfalskad' } });
		const { encodeAwareness } = await import('../../server/sync/messages.ts');
		const frame = encodeAwareness(encodeAwarenessUpdate(fake, [watcherId]));
		(member.provider.ws as unknown as { send(data: Uint8Array): void }).send(frame);
		// A later update of the member's own state arrives, the forged one never does.
		member.provider.awareness.setLocalStateField('itemId', 'y');
		await waitFor(() => (watcher.provider.awareness.getStates().get(member.doc.clientID) as { itemId?: string }).itemId === 'y', 'later presence');
		await waitFor(() => (organiser.provider.awareness.getStates().get(member.doc.clientID) as { itemId?: string }).itemId === 'y', 'later presence');
		expect(JSON.stringify(organiser.provider.awareness.getStates().get(watcherId))).toBe(watcherBefore);
		fake.destroy();
		closeAll();
	});
});

describe('invitation API', () => {
	it('lets only the organiser issue, list and revoke; lists without tokens; tells an invitee its role, name and participant', async () => {
		const created = await newMeeting();
		const chair = await invite(server.origin, created, { name: 'Rickard Ordförande', role: 'chair', participantId: 'p-chair' });
		issuedTokens.push(chair.token);
		expect(chair.url).toBe(`${server.origin}/m/${created.id}#token=${chair.token}`);

		const me = await fetch(`${server.origin}/api/meetings/${created.id}`, { headers: { authorization: `Bearer ${chair.token}` } });
		expect(await me.json()).toMatchObject({ role: 'chair', name: 'Rickard Ordförande', participantId: 'p-chair', invitationId: chair.invitationId });

		const asChair = { authorization: `Bearer ${chair.token}`, 'content-type': 'application/json' };
		const url = `${server.origin}/api/meetings/${created.id}/invitations`;
		expect((await fetch(url, { method: 'POST', headers: asChair, body: JSON.stringify({ name: 'X', role: 'member' }) })).status).toBe(403);
		expect((await fetch(url, { headers: asChair })).status).toBe(403);
		expect((await fetch(`${url}/${chair.invitationId}`, { method: 'DELETE', headers: asChair })).status).toBe(403);

		const list = await fetch(url, { headers: { authorization: `Bearer ${created.token}` } });
		const body = (await list.json()) as { invitations: { id: string; role: string; name: string; participantId: string | null; revokedAt: string | null }[] };
		expect(body.invitations.map((i) => [i.role, i.name, i.participantId, i.revokedAt])).toEqual([
			['organiser', '', null, null],
			['chair', 'Rickard Ordförande', 'p-chair', null]
		]);
		expect(JSON.stringify(body)).not.toContain(chair.token);
		expect(JSON.stringify(body)).not.toContain(created.token);
	});

	it('validates the body and the invitation id, and keeps the organiser from revoking the link in use', async () => {
		const created = await newMeeting();
		const headers = { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' };
		const url = `${server.origin}/api/meetings/${created.id}/invitations`;
		for (const body of [{ name: '', role: 'member' }, { name: 'A', role: 'king' }, { role: 'member' }, { name: 'A', role: 'member', participantId: '../x' }, []]) {
			expect((await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) })).status, JSON.stringify(body)).toBe(400);
		}
		expect((await fetch(`${url}/nosuchinvitation`, { method: 'DELETE', headers })).status).toBe(404);
		const [own] = ((await (await fetch(url, { headers })).json()) as { invitations: { id: string }[] }).invitations;
		expect((await fetch(`${url}/${own.id}`, { method: 'DELETE', headers })).status).toBe(409);
		const revokedTwice = await invite(server.origin, created, { name: 'B', role: 'guest' });
		issuedTokens.push(revokedTwice.token);
		expect((await fetch(`${url}/${revokedTwice.invitationId}`, { method: 'DELETE', headers })).status).toBe(204);
		expect((await fetch(`${url}/${revokedTwice.invitationId}`, { method: 'DELETE', headers })).status).toBe(204);
	});

	it('never writes a token to the log', () => {
		const log = server.output.join('\n');
		expect(issuedTokens.length).toBeGreaterThan(10);
		for (const token of issuedTokens) expect(log).not.toContain(token);
	});
});

