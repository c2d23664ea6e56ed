/**
 * Sign-in with OpenID Connect against a real provider in this process (oidc-provider):
 * who may create, opening a meeting by roster e-mail with that participant's role, the
 * websocket with the session cookie, logout, and the session store, on SQLite and
 * PostgreSQL. The browser's side of the same flow: tests/e2e/oidc.spec.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addParticipant } from '../../src/lib/meeting/index.ts';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';
import { TEST_USERS } from '../fixtures/identity-provider.ts';
import { startServer } from '../../server/index.ts';
import { connectClient, createMeeting, freePort, notesOf, tempDir, waitFor } from './helpers.ts';
import { connectWithCookie, request, signIn, startWithIdentityProvider, upgradeWithCookie } from './oidc-helpers.ts';
import { freshSchema, servicesAvailable } from './services.ts';

const [organiser, member, chair] = TEST_USERS;
const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

let postgres = false;
beforeAll(async () => {
	postgres = await servicesAvailable('oidc.test.ts', 'postgres');
});

const engines: { name: string; storage(): Promise<MeetingStorage | undefined> }[] = [
	{ name: 'SQLite', storage: async () => undefined },
	{
		name: 'PostgreSQL',
		async storage() {
			const schema = await freshSchema();
			cleanup.push(() => schema.drop());
			return new PostgresStorage(schema.url);
		}
	}
];

async function setup(engine: (typeof engines)[number]) {
	const setup = await startWithIdentityProvider({ storage: await engine.storage() });
	cleanup.push(() => setup.close());
	return setup;
}

/** A meeting (created with the organiser secret-free signed-in flow) whose roster names `member` and `chair` by e-mail. */
async function meetingWithRoster(origin: string, organiserCookie: string) {
	const res = await fetch(`${origin}/api/meetings`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', cookie: organiserCookie },
		body: JSON.stringify({ title: 'Ledningsgrupp' })
	});
	expect(res.status).toBe(201);
	const created = (await res.json()) as { id: string; token: string };
	// The sample meeting (one item to take notes in) is written with the organiser's link, as the helpers do.
	await createMeetingContent(origin, created);
	const runner = connectClient(origin, created.id, created.token);
	cleanup.push(() => runner.destroy());
	await runner.synced();
	const memberId = addParticipant(runner.doc, { name: member.name, email: member.email.toUpperCase(), role: 'member' });
	const chairId = addParticipant(runner.doc, { name: chair.name, email: chair.email, role: 'chair' });
	await waitFor(() => runner.allSaved(), 'roster saved');
	return { ...created, memberId, chairId };
}

async function createMeetingContent(origin: string, meeting: { id: string; token: string }) {
	const { sampleMeeting } = await import('../../src/lib/meeting/sample.ts');
	const client = connectClient(origin, meeting.id, meeting.token);
	try {
		await client.synced();
		Y.applyUpdate(client.doc, sampleMeeting('Ledningsgrupp'));
		await waitFor(() => client.allSaved() && [...Y.decodeStateVector(Y.encodeStateVector(client.doc))].every(([c, clock]) => (client.saved.get(c) ?? 0) >= clock), 'sample saved');
	} finally {
		client.destroy();
	}
}

describe.each(engines)('sign-in with OIDC ($name)', (engine) => {
	it('lets a signed-in organiser create meetings and groups, and nobody else', async ({ skip }) => {
		if (engine.name === 'PostgreSQL' && !postgres) skip();
		const { origin } = await setup(engine);
		// Not signed in: refused, and the instance says that signing in decides.
		expect(await (await fetch(`${origin}/api/instance`)).json()).toMatchObject({ createMeetings: 'signed-in', signIn: true });
		const anonymous = await fetch(`${origin}/api/meetings`, { method: 'POST', body: JSON.stringify({ title: 'x' }) });
		expect(anonymous.status).toBe(401);
		expect((await fetch(`${origin}/api/groups`, { method: 'POST', body: JSON.stringify({ name: 'x' }) })).status).toBe(401);

		const signedIn = await signIn(origin, organiser.email, '/m/abc');
		expect(signedIn.landedOn).toBe('/m/abc');
		const cookie = signedIn.setCookie.find((c) => c.startsWith('motesrum_session='))!;
		expect(cookie).toMatch(/HttpOnly/);
		expect(cookie).toMatch(/SameSite=Lax/);
		expect(cookie).not.toMatch(/Secure/);
		const session = await request(signedIn.jar, `${origin}/api/session`);
		expect(await session.json()).toEqual({ user: { name: organiser.name, email: organiser.email, organiser: true } });
		const created = await request(signedIn.jar, `${origin}/api/meetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Styrelsemöte' }) });
		expect(created.status).toBe(201);
		const group = await request(signedIn.jar, `${origin}/api/groups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Samverkansgrupp' }) });
		expect(group.status).toBe(201);

		// Signed in but outside OIDC_ORGANISER_GROUP.
		const other = await signIn(origin, member.email);
		expect(await (await request(other.jar, `${origin}/api/session`)).json()).toMatchObject({ user: { organiser: false } });
		expect((await request(other.jar, `${origin}/api/meetings`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x' }) })).status).toBe(403);
	});

	it('opens a meeting by roster e-mail with that participant role, over the API and the websocket, until logout', async ({ skip }) => {
		if (engine.name === 'PostgreSQL' && !postgres) skip();
		const { origin } = await setup(engine);
		const organiserSession = await signIn(origin, organiser.email);
		const meeting = await meetingWithRoster(origin, organiserSession.jar.header(origin));

		const memberSession = await signIn(origin, member.email, `/m/${meeting.id}`);
		expect(memberSession.landedOn).toBe(`/m/${meeting.id}`);
		const cookie = memberSession.jar.header(origin);
		const info = await request(memberSession.jar, `${origin}/api/meetings/${meeting.id}`);
		expect(info.status).toBe(200);
		expect(await info.json()).toMatchObject({ role: 'member', participantId: meeting.memberId, name: member.name, invitationId: null });
		const chairSession = await signIn(origin, chair.email);
		expect(await (await request(chairSession.jar, `${origin}/api/meetings/${meeting.id}`)).json()).toMatchObject({ role: 'chair', participantId: meeting.chairId });

		// Handlingar open with the sign-in cookie too: no file session is made (nor needed) without a link.
		const fileSession = await request(memberSession.jar, `${origin}/api/meetings/${meeting.id}/files/session`, { method: 'POST' });
		expect(fileSession.status).toBe(204);
		expect(fileSession.headers.getSetCookie()).toEqual([]);
		expect((await request(memberSession.jar, `${origin}/api/meetings/${meeting.id}/files/NoSuchFile000000`)).status).toBe(404);
		expect((await fetch(`${origin}/api/meetings/${meeting.id}/files/NoSuchFile000000`)).status).toBe(401);

		// The organiser is signed in but not on the roster: no way in without a link.
		expect((await request(organiserSession.jar, `${origin}/api/meetings/${meeting.id}`)).status).toBe(401);
		expect(await upgradeWithCookie(origin, meeting.id, organiserSession.jar.header(origin))).toBe(401);

		// The member writes notes through the websocket opened with the cookie alone, and the organiser's link sees them.
		const client = connectWithCookie(origin, meeting.id, cookie);
		cleanup.push(() => client.destroy());
		await waitFor(() => client.provider.synced, 'member synced by session');
		notesOf(client.doc).insert(0, 'Från inloggad ledamot. ');
		const reader = connectClient(origin, meeting.id, meeting.token);
		cleanup.push(() => reader.destroy());
		await waitFor(() => reader.provider.synced && notesOf(reader.doc).toString().startsWith('Från inloggad ledamot.'), 'note arrives');
		// A member may not write the record: the roster's role is enforced like a link's.
		client.doc.getMap('meta').set('x', 1);
		await waitFor(() => client.closes.includes(CLOSE.INVALID) || client.closes.includes(CLOSE.FORBIDDEN), 'refused record write');

		const again = connectWithCookie(origin, meeting.id, cookie);
		cleanup.push(() => again.destroy());
		await waitFor(() => again.provider.synced, 'member connected again');
		const logout = await request(memberSession.jar, `${origin}/auth/logout`, { method: 'POST' });
		expect(logout.status).toBe(303);
		expect(logout.headers.getSetCookie().some((c) => /^motesrum_session=;.*Max-Age=0/.test(c))).toBe(true);
		// The open connection closes at once, and the old cookie opens nothing any more.
		await waitFor(() => again.closes.includes(CLOSE.UNAUTHORIZED), 'connection closed at logout');
		expect(await upgradeWithCookie(origin, meeting.id, cookie)).toBe(401);
		expect((await fetch(`${origin}/api/meetings/${meeting.id}`, { headers: { cookie } })).status).toBe(401);
		// Links keep working for guests.
		expect((await fetch(`${origin}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.token}` } })).status).toBe(200);
	});

	it('answers a signed-in organiser’s personal-data request without the secret, and nobody else’s', async ({ skip }) => {
		if (engine.name === 'PostgreSQL' && !postgres) skip();
		const { origin } = await setup(engine);
		expect(await (await fetch(`${origin}/api/instance`)).json()).toMatchObject({ personalData: { secret: false, signedIn: true } });
		const organiserSession = await signIn(origin, organiser.email);
		const meeting = await meetingWithRoster(origin, organiserSession.jar.header(origin));
		const ask = (jar: typeof organiserSession.jar | null, path: string, body: unknown) =>
			(jar ? (url: string, init: RequestInit) => request(jar, url, init) : fetch)(`${origin}${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});

		const exported = await ask(organiserSession.jar, '/api/privacy/export', { email: member.email });
		expect(exported.status).toBe(200);
		expect(((await exported.json()) as { documents: { id: string }[] }).documents.map((d) => d.id)).toEqual([meeting.id]);

		const anonymous = await ask(null, '/api/privacy/export', { email: member.email });
		expect(anonymous.status).toBe(401);
		// A signed-in person outside OIDC_ORGANISER_GROUP, even one on the roster, is refused.
		const memberSession = await signIn(origin, member.email);
		const refused = await ask(memberSession.jar, '/api/privacy/erase', { email: member.email, confirm: true });
		expect(refused.status).toBe(403);
		expect(((await refused.json()) as { error: string }).error).toMatch(/OIDC_ORGANISER_GROUP/);
		// A made-up secret does not fall back to the session.
		const forged = await request(organiserSession.jar, `${origin}/api/privacy/export`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: 'Bearer made-up-secret-made-up-secret' },
			body: JSON.stringify({ email: member.email })
		});
		expect(forged.status).toBe(401);

		const erased = await ask(organiserSession.jar, '/api/privacy/erase', { email: member.email, confirm: true });
		expect(erased.status).toBe(200);
		expect(((await erased.json()) as { erased: { id: string }[] }).erased.map((e) => e.id)).toEqual([meeting.id]);
	});

	it('refuses a callback without its pending login, and never returns elsewhere', async ({ skip }) => {
		if (engine.name === 'PostgreSQL' && !postgres) skip();
		const { origin } = await setup(engine);
		const stray = await fetch(`${origin}/auth/callback?code=abc&state=def`, { redirect: 'manual' });
		expect(stray.status).toBe(303);
		expect(stray.headers.get('location')).toBe('/?signin=expired');
		// returnTo never leaves the server.
		expect((await signIn(origin, member.email, '//evil.example/x')).landedOn).toBe('/');
		expect((await fetch(`${origin}/api/meetings`, { method: 'POST', headers: { cookie: 'motesrum_session=not-a-session-value-at-all' } })).status).toBe(401);
	});
});

describe('two instances sharing PostgreSQL', () => {
	it('a logout on one closes the session’s connections on the other within one session check', async ({ skip }) => {
		if (!postgres) skip();
		const schema = await freshSchema();
		cleanup.push(() => schema.drop());
		const first = await startWithIdentityProvider({ storage: new PostgresStorage(schema.url) });
		cleanup.push(() => first.close());
		const port = await freePort();
		const second = await startServer({ ...first.config, port, dataDir: tempDir() }, { storage: new PostgresStorage(schema.url) });
		cleanup.push(() => second.close());
		const secondOrigin = `http://127.0.0.1:${port}`;

		const organiserSession = await signIn(first.origin, organiser.email);
		const meeting = await meetingWithRoster(first.origin, organiserSession.jar.header(first.origin));
		const memberSession = await signIn(first.origin, member.email);
		const cookie = memberSession.jar.header(first.origin);
		const onSecond = connectWithCookie(secondOrigin, meeting.id, cookie);
		cleanup.push(() => onSecond.destroy());
		await waitFor(() => onSecond.provider.synced, 'member synced on the second instance');
		// A session that is still signed in is left alone by the checks.
		await new Promise((resolve) => setTimeout(resolve, 3 * first.config.oidc!.sessionCheckMs));
		expect(onSecond.closes).toEqual([]);

		expect((await request(memberSession.jar, `${first.origin}/auth/logout`, { method: 'POST' })).status).toBe(303);
		await waitFor(() => onSecond.closes.includes(CLOSE.UNAUTHORIZED), 'the second instance closed the signed-out session');
		expect(await upgradeWithCookie(secondOrigin, meeting.id, cookie)).toBe(401);
	});
});

describe('sign-in cookies over https', () => {
	it('are Secure when the public origin is https', async () => {
		const { origin } = await startWithIdentityProvider({ config: { publicOrigin: 'https://motesrum.example' } }).then((s) => {
			cleanup.push(() => s.close());
			return s;
		});
		const res = await fetch(`${origin}/auth/login`, { redirect: 'manual' });
		expect(res.status).toBe(302);
		expect(res.headers.getSetCookie()[0]).toMatch(/HttpOnly; SameSite=Lax; Secure$/);
		expect(new URL(res.headers.get('location')!).searchParams.get('redirect_uri')).toBe('https://motesrum.example/auth/callback');
		expect(new URL(res.headers.get('location')!).searchParams.get('code_challenge_method')).toBe('S256');
	});
});

describe('without OIDC settings', () => {
	it('serves no sign-in routes and creates meetings as before', async () => {
		const { origin } = await startWithIdentityProvider({ config: { oidc: null, createMeetings: 'open' } }).then((s) => {
			cleanup.push(() => s.close());
			return s;
		});
		const instance = await (await fetch(`${origin}/api/instance`)).json();
		expect(instance).toMatchObject({ createMeetings: 'open' });
		expect(instance).not.toHaveProperty('signIn');
		expect((await fetch(`${origin}/auth/login`, { redirect: 'manual' })).status).toBe(503);
		expect((await fetch(`${origin}/api/session`)).status).toBe(404);
		expect((await createMeeting(origin, 'Öppet', { sample: false })).id).toBeTruthy();
	});
});
