/**
 * Sign-in with the organisation's identity provider, in the browser, through the whole
 * redirect flow against a real OpenID Connect provider (oidc-provider) started by this spec
 * beside its own app server (the built app, configured with OIDC_*): sign in, create a
 * meeting, open a meeting by roster e-mail without a link, logout, and the websocket
 * refused after logout. The server side in detail: tests/integration/oidc.test.ts.
 */
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addParticipant } from '../../src/lib/meeting/index.ts';
import { defaultConfig } from '../../server/config.ts';
import { type RunningServer, startServer } from '../../server/index.ts';
import { ORGANISER_GROUP, TEST_USERS, type IdentityProvider, startIdentityProvider } from '../fixtures/identity-provider.ts';
import { connectClient, freePort, waitFor } from '../integration/helpers.ts';
import { expectNoAxeViolations, expectReady, newContext } from './room/helpers';

const [organiser, member] = TEST_USERS;
let app: RunningServer;
let idp: IdentityProvider;
let origin: string;
let dataDir: string;

test.beforeAll(async () => {
	const [appPort, idpPort] = [await freePort(), await freePort()];
	origin = `http://127.0.0.1:${appPort}`;
	idp = await startIdentityProvider({ port: idpPort, redirectUri: `${origin}/auth/callback` });
	dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-e2e-oidc-'));
	app = await startServer({
		...defaultConfig,
		port: appPort,
		host: '127.0.0.1',
		dataDir,
		logLevel: 'warn',
		createMeetings: 'signed-in',
		oidc: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, organiserGroup: ORGANISER_GROUP, groupsClaim: 'groups', sessionHours: 8, sessionCheckMs: 30_000 }
	});
});

test.afterAll(async () => {
	await app?.close();
	await idp?.close();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

/** From a page of the app with a "Logga in" link, through the provider's login page and back. */
async function signInAs(page: Page, email: string): Promise<void> {
	await page.getByRole('link', { name: 'Logga in med organisationskonto' }).click();
	await expect(page.getByRole('heading', { name: 'Logga in hos testleverantören' })).toBeVisible();
	await page.getByLabel('E-post').fill(email);
	await page.getByRole('button', { name: 'Logga in' }).click();
	await page.waitForURL((url) => url.origin === origin && !url.pathname.startsWith('/auth/'));
}

/** Whether this page's cookies open the meeting's websocket (no token in the address). */
function socketOpens(page: Page, meetingId: string): Promise<'open' | 'refused'> {
	return page.evaluate(
		(id) =>
			new Promise<'open' | 'refused'>((resolve) => {
				const ws = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/sync/${id}`);
				ws.onopen = () => {
					resolve('open');
					ws.close();
				};
				// A refused upgrade (401) reaches the page as an error and a close without opening.
				ws.onclose = () => resolve('refused');
			}),
		meetingId
	);
}

/** The meetings whose room has a stored view on this device. */
function storedViews(page: Page): Promise<string[]> {
	return page.evaluate(
		() =>
			new Promise<string[]>((resolve) => {
				const open = indexedDB.open('motesrum');
				open.onerror = () => resolve([]);
				open.onsuccess = () => {
					const db = open.result;
					if (!db.objectStoreNames.contains('snapshots')) return (db.close(), resolve([]));
					const keys = db.transaction('snapshots').objectStore('snapshots').getAllKeys();
					keys.onsuccess = () => (db.close(), resolve(keys.result as string[]));
					keys.onerror = () => (db.close(), resolve([]));
				};
			})
	);
}

test('sign in, create a meeting, open another by roster e-mail, sign out: the websocket is refused afterwards', async ({ browser }) => {
	// Two browsers, two sign-ins and five accessibility checks: longer than one page's test on a busy machine.
	test.setTimeout(180_000);
	// The organiser signs in on the start page and creates a meeting.
	const organiserContext = await newContext(browser);
	const page = await organiserContext.newPage();
	await page.goto(`${origin}/`);
	await expect(page.getByRole('heading', { name: 'Nytt möte' })).toHaveCount(0);
	await expect(page.getByText('Logga in med ditt organisationskonto för att skapa möten')).toBeVisible();
	await expectNoAxeViolations(page, 'start page, signed out');
	await signInAs(page, organiser.email);
	await expect(page.getByText(`Inloggad som ${organiser.name}`)).toBeVisible();
	await expectNoAxeViolations(page, 'start page, signed in');
	await page.getByLabel('Mötets namn').fill('Ledningsgrupp med inloggning');
	await page.getByRole('button', { name: 'Skapa möte' }).click();
	await page.waitForURL(/\/m\/[^/#]+/);
	await expectReady(page);
	const meetingId = new URL(page.url()).pathname.split('/').pop()!;
	const token = (await page.evaluate((id) => sessionStorage.getItem(`motesrum:token:${id}`), meetingId))!;

	// The roster names the member by e-mail (written with the organiser's link, as the room would).
	const runner = connectClient(origin, meetingId, token);
	try {
		await runner.synced();
		await waitFor(() => runner.doc.getMap('header').size > 0, 'the meeting initialised by its organiser');
		addParticipant(runner.doc, { name: member.name, email: member.email, role: 'member' });
		await waitFor(() => runner.allSaved(), 'roster saved');
	} finally {
		runner.destroy();
	}

	// The signed-in organiser asks for the member's data without the organiser secret.
	await page.goto(`${origin}/personuppgifter`);
	await expect(page.getByText(`Du är inloggad som ${organiser.name} i arrangörsgruppen`)).toBeVisible();
	await expect(page.getByLabel('Arrangörslösen')).toHaveCount(0);
	await expectNoAxeViolations(page, 'personal data, signed in as an organiser');
	await page.getByLabel('E-postadress (valfritt)').fill(member.email);
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Exportera uppgifter (JSON)' }).click();
	await download;
	await expect(page.locator('main [role="status"]')).toContainText('Personen finns i 1 dokument');

	// The member has no link: the meeting offers sign-in, and after it opens with the member's role.
	const memberContext = await newContext(browser);
	const memberPage = await memberContext.newPage();
	await memberPage.goto(`${origin}/m/${meetingId}`);
	await expect(memberPage.getByText('Står du på mötets deltagarlista')).toBeVisible();
	await expectNoAxeViolations(memberPage, 'meeting without a link, signed out');
	expect(await socketOpens(memberPage, meetingId)).toBe('refused');
	await signInAs(memberPage, member.email);
	expect(new URL(memberPage.url()).pathname).toBe(`/m/${meetingId}`);
	await expectReady(memberPage);
	await expect(memberPage.getByRole('heading', { name: 'Ledningsgrupp med inloggning', level: 1 })).toBeVisible();
	const me = await memberPage.evaluate(async (id) => (await fetch(`/api/meetings/${id}`)).json(), meetingId);
	expect(me).toMatchObject({ role: 'member', name: member.name, invitationId: null });
	await expectNoAxeViolations(memberPage, 'meeting opened by roster e-mail');
	expect(await socketOpens(memberPage, meetingId)).toBe('open');
	// The room's stored view for the next open (src/lib/sync/room-snapshot.ts) is on the device now.
	await expect.poll(() => storedViews(memberPage), { timeout: 15_000 }).toContain(meetingId);

	// Signing out ends the session: the room loses its connection and no websocket opens with the old cookie.
	await memberPage.goto(`${origin}/`);
	await memberPage.getByRole('button', { name: 'Logga ut' }).click();
	await expect(memberPage.getByRole('link', { name: 'Logga in med organisationskonto' })).toBeVisible();
	// And the stored views of the rooms go with it.
	await expect.poll(() => storedViews(memberPage)).toEqual([]);
	expect(await socketOpens(memberPage, meetingId)).toBe('refused');
	expect(await memberPage.evaluate(async (id) => (await fetch(`/api/meetings/${id}`)).status, meetingId)).toBe(401);

	// A signed-in user not on the roster is told so, and a personal link still works for a guest.
	await memberPage.goto(`${origin}/m/${meetingId}`);
	await expect(memberPage.getByText('Står du på mötets deltagarlista')).toBeVisible();
	await page.goto(`${origin}/m/${meetingId}`);
	await expectReady(page);
	await organiserContext.close();
	await memberContext.close();
});
