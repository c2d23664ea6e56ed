/**
 * A confidential item (sekretess) whose notes were written before it was marked: a member
 * reads them and writes more (through the confidential part), and reads them offline after a
 * reload; an observer's page shows the title and the ground only, and no frame its websocket
 * received carries the notes, the file's name, who speaks or asks to, or jäv — not even the
 * speaker list is shown there; a member raises a hand on the item and the chair queues it;
 * the public minutes leave them out, the full minutes keep them.
 *
 * Run: npm run build && E2E_PORT=4411 npx playwright test tests/e2e/confidential.spec.ts
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import * as Y from 'yjs';
import {
	addAttachment,
	addDecision,
	admitHands,
	attachConfidentialPart,
	giveFloor,
	openMeeting,
	raiseHand,
	setItemConfidential,
	setItemConflict,
	setItemNotes,
	startItem
} from '../../src/lib/meeting/index.ts';
import { buildFormalMeeting } from '../fixtures/formal-meeting.ts';
import { expectNoAxeViolations, expectReady, LAPTOP, newContext, PHONE } from './room/helpers';

const SECRET = 'Läkarintyget visar utmattningssyndrom';
const ADDED = 'Rehabiliteringsplan i sex månader';
const FILE = 'Utredning rehabilitering Svensson.pdf';
const JAV = 'Jävig: gift med den anställde';

/** The meeting and its confidential part, stored as the new meeting's documents. */
async function seed(page: Page, doc: Y.Doc, part: Y.Doc): Promise<{ id: string; token: string }> {
	const response = await page.request.post('/api/meetings', { data: { title: 'Byggnadsnämndens sammanträde' } });
	expect(response.status()).toBe(201);
	const { id, token } = (await response.json()) as { id: string; token: string };
	const db = new Database(join(process.env.E2E_DATA_DIR!, 'motesrum.db'));
	db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(id, Buffer.from(Y.encodeStateAsUpdate(doc)));
	db.prepare('INSERT INTO confidential_updates (meeting_id, data) VALUES (?, ?)').run(id, Buffer.from(Y.encodeStateAsUpdate(part)));
	db.close();
	return { id, token };
}

async function invite(page: Page, meeting: { id: string; token: string }, body: { name: string; role: string; participantId?: string }): Promise<string> {
	const response = await page.request.post(`/api/meetings/${meeting.id}/invitations`, { headers: { authorization: `Bearer ${meeting.token}` }, data: body });
	expect(response.status()).toBe(201);
	return ((await response.json()) as { url: string }).url.replace(/^https?:\/\/[^/]+/, '');
}

const notes = (page: Page) => page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' });

async function open(browser: Browser, path: string, viewport: { width: number; height: number }, serviceWorkers: 'allow' | 'block' = 'block'): Promise<Page> {
	const context = serviceWorkers === 'allow' ? await browser.newContext({ viewport, locale: 'sv-SE' }) : await newContext(browser, viewport);
	const page = await context.newPage();
	await page.goto(path);
	await expectReady(page);
	return page;
}

test('a member reads a confidential item (offline too), an observer gets its title and ground only', async ({ browser }) => {
	test.setTimeout(150_000);
	const { doc, items, members } = buildFormalMeeting();
	const part = new Y.Doc();
	attachConfidentialPart(doc, part);
	// Written while the item was public, then marked: the notes moved into the part.
	setItemNotes(doc, items.personal, SECRET);
	// A file, someone speaking and jäv, also from before marking: they move with the notes.
	addAttachment(doc, items.personal, { name: FILE, sha256: 'a'.repeat(64), size: 1234, type: 'application/pdf' });
	raiseHand(doc, items.personal, members[2]);
	admitHands(doc, items.personal);
	giveFloor(doc, items.personal, { participantId: members[2] });
	setItemConflict(doc, items.personal, members[4], { note: JAV });
	setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
	addDecision(doc, items.personal, { text: 'Nämnden beviljar ledigheten.' });
	openMeeting(doc);
	startItem(doc, items.personal);

	const setup = await (await newContext(browser)).newPage();
	const meeting = await seed(setup, doc, part);

	// The observer's socket is watched from its first frame.
	const observer = await (await newContext(browser, PHONE)).newPage();
	const frames: Buffer[] = [];
	observer.on('websocket', (socket) => socket.on('framereceived', ({ payload }) => frames.push(Buffer.from(payload as Buffer))));
	await observer.goto(await invite(setup, meeting, { name: 'Åhörare', role: 'observer' }));
	await expectReady(observer);

	const member = await open(browser, await invite(setup, meeting, { name: 'Bertil Berg', role: 'member', participantId: members[1] }), PHONE, 'allow');
	const chair = await open(browser, await invite(setup, meeting, { name: 'Anna Andersson', role: 'chair', participantId: members[0] }), LAPTOP);
	await expect(notes(member)).toHaveValue(SECRET);
	await expect(member.getByTestId('decisions')).toBeVisible();
	await notes(member).fill(`${SECRET}. ${ADDED}`);
	await expect(notes(chair)).toHaveValue(`${SECRET}. ${ADDED}`);
	// The member reads the file's name and who speaks, and asks for the floor: the chair's device queues it.
	await expect(member.getByTestId('item-pane')).toContainText(FILE);
	await expect(member.getByTestId('speaking-now')).toContainText('Talar nu: Cecilia Carlsson');
	await member.getByTestId('speaker-list').getByRole('button', { name: 'Begär ordet' }).click();
	await expect(chair.getByTestId('speaker-queue')).toContainText('Bertil Berg');
	await expect(member.getByTestId('speaker-list').getByRole('button', { name: 'Ta tillbaka begäran' })).toBeVisible();

	await expect(observer.getByTestId('confidential')).toHaveText('Sekretess enligt OSL 39 kap. 3 §');
	await expect(observer.getByTestId('confidential-hidden')).toHaveText(/visas inte för din roll/);
	await expect(notes(observer)).toHaveCount(0);
	await expect(observer.getByTestId('item-pane')).not.toContainText(SECRET);
	// No file names, no speaker list (who speaks now, who asked), no jäv, no quorum line for the observer.
	await expect(observer.getByTestId('item-pane')).not.toContainText(FILE);
	await expect(observer.getByTestId('speaker-list')).toHaveCount(0);
	await expect(observer.getByTestId('speaking-now')).toHaveCount(0);
	await expect(observer.getByTestId('item-pane')).not.toContainText('Cecilia Carlsson');
	// (Who is connected and which item they look at is presence, shown to everyone: "Tittar också här".)
	await expect(observer.getByTestId('item-pane')).not.toContainText('Begär ordet');
	await expect(observer.locator('body')).not.toContainText('Talar nu');
	await expectNoAxeViolations(observer, 'an observer’s view of a confidential item');
	// A public change after everything else: once it arrived, the observer was sent all before it.
	await chair.getByRole('tab', { name: /Dagordning/ }).click();
	await chair.getByLabel('Ny punkt').fill('Frågor från allmänheten');
	await chair.getByLabel('Ny punkt').press('Enter');
	await expect.poll(() => frames.some((frame) => frame.includes(Buffer.from('Frågor från allmänheten')))).toBe(true);
	expect(frames.some((frame) => frame.includes(Buffer.from('Personalärende')))).toBe(true);
	for (const text of [SECRET, ADDED, 'beviljar ledigheten', FILE, JAV, `${items.personal}:${members[1]}`]) expect(frames.some((frame) => frame.includes(Buffer.from(text))), text).toBe(false);

	// Offline after a reload: the member's device kept the part.
	await member.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
	await member.context().setOffline(true);
	await member.reload();
	await expect(member.getByTestId('connection-status')).not.toHaveAttribute('data-connection', 'online');
	await expect(notes(member)).toHaveValue(`${SECRET}. ${ADDED}`);
	await member.context().setOffline(false);

	// The minutes: the full version keeps the notes, the public version leaves them out.
	const minutes = await (await newContext(browser)).newPage();
	await minutes.goto(`/m/${meeting.id}/minutes#token=${meeting.token}`);
	const article = minutes.locator('article.minutes');
	await expect(article).toContainText(ADDED);
	await minutes.getByTestId('public-version').check();
	await expect(article).not.toContainText(SECRET);
	await expect(article).not.toContainText('beviljar ledigheten');
	await expect(article).toContainText('Sekretess enligt OSL 39 kap. 3 §.');
});
