/**
 * Following the chair never moves a caret: a member types in item 2's notes on a
 * 360×640 phone while the chair (with their own personal link, on a laptop) presses
 * "Nästa punkt". Every character lands in item 2; the phone shows "Ordföranden är på
 * punkt 3 — gå dit" and follows by itself once the member is idle. The chair's events
 * carry the chair's participant (from the link), so the minutes name them. A second
 * meeting link opened in the same tab shows that meeting.
 *
 * Run: npm run build && E2E_PORT=4323 npx playwright test tests/e2e/room-follow.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import * as Y from 'yjs';
import { addItem, addParticipant } from '../../src/lib/meeting/index.js';
import type { MeetingView } from '../../src/lib/meeting/types';
import { createTestMeeting } from '../fixtures/meeting-factories';
import { expectNoAxeViolations, expectReady, LAPTOP, newContext, PHONE, tab } from './room/helpers';

interface Seeded {
	id: string;
	organiserToken: string;
	chair: string;
	member: string;
	items: string[];
}

/** A prepared meeting written into the server's database, as the organiser would have made it. */
async function seedMeeting(page: Page, title: string): Promise<Seeded> {
	const response = await page.request.post('/api/meetings', { data: { title } });
	expect(response.status()).toBe(201);
	const { id, token } = (await response.json()) as { id: string; token: string };
	const doc = createTestMeeting({ title, groupName: 'Samverkansgruppen', date: null, startTime: null, endTime: null });
	const chair = addParticipant(doc, { name: 'Eva Lund', organisation: 'Socialförvaltningen', role: 'chair' });
	const member = addParticipant(doc, { name: 'Lena Berg', organisation: 'Kommunal', attendance: 'remote' });
	const items = ['Mötets öppnande', 'Budget 2027', 'Schemaläggning'].map((itemTitle) => addItem(doc, { title: itemTitle }));
	const db = new Database(join(process.env.E2E_DATA_DIR!, 'motesrum.db'));
	db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(id, Buffer.from(Y.encodeStateAsUpdate(doc)));
	db.close();
	return { id, organiserToken: token, chair, member, items };
}

async function invite(page: Page, meeting: Seeded, participantId: string, name: string, role: string): Promise<string> {
	const response = await page.request.post(`/api/meetings/${meeting.id}/invitations`, {
		headers: { authorization: `Bearer ${meeting.organiserToken}` },
		data: { name, role, participantId }
	});
	expect(response.status()).toBe(201);
	return ((await response.json()) as { token: string }).token;
}

function snapshot(page: Page): Promise<MeetingView> {
	return page.evaluate(() => (window as unknown as { __motesrum: { snapshot(): MeetingView } }).__motesrum.snapshot());
}

test('the chair advances while a phone user types: no character lands in the wrong item', async ({ browser }) => {
	test.setTimeout(90_000);
	const chairContext = await newContext(browser, LAPTOP);
	const phoneContext = await newContext(browser, PHONE);
	const chair = await chairContext.newPage();
	const phone = await phoneContext.newPage();
	const meeting = await seedMeeting(chair, 'Samverkan november');
	const chairToken = await invite(chair, meeting, meeting.chair, 'Eva Lund', 'chair');
	const memberToken = await invite(chair, meeting, meeting.member, 'Lena Berg', 'member');

	await chair.goto(`/m/${meeting.id}?testhook#token=${chairToken}`);
	await expectReady(chair);
	await phone.goto(`/m/${meeting.id}?testhook#token=${memberToken}`);
	await expectReady(phone);

	// The chair opens the meeting and goes to item 2; the phone follows.
	await tab(chair, 'Punkt').click();
	await chair.getByRole('button', { name: 'Öppna mötet' }).click();
	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expect(chair.getByTestId('current-item')).toContainText('2. Budget 2027');
	await tab(phone, 'Punkt').click();
	await expect(phone.getByRole('heading', { level: 2, name: '2. Budget 2027' })).toBeVisible();

	// The member types, the chair moves on mid-sentence, the member types on.
	const notes = phone.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' });
	await notes.click();
	await notes.pressSequentially('Facket frågar om lönerevisionen ', { delay: 15 });
	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expect(phone.getByTestId('current-item')).toContainText('3. Schemaläggning');
	await notes.pressSequentially('och om vakanserna.', { delay: 15 });

	// The phone stayed on item 2 and offers to follow.
	await expect(phone.getByTestId('item-pane')).toHaveAttribute('data-item-id', meeting.items[1]);
	const banner = phone.getByTestId('chair-elsewhere');
	await expect(banner).toContainText('Ordföranden är på 3. Schemaläggning.');
	await expect(notes).toBeFocused();
	await expectNoAxeViolations(phone, 'phone holding item 2 while the chair is on 3');

	// Every character is in item 2, none in item 3, on both devices.
	const sentence = 'Facket frågar om lönerevisionen och om vakanserna.';
	await expect.poll(async () => (await snapshot(chair)).agenda.map((i) => i.notes)).toEqual(['', sentence, '']);
	expect((await snapshot(phone)).agenda.map((i) => i.notes)).toEqual(['', sentence, '']);

	// Idle (focus out, no keystroke for a few seconds): the view follows the chair by itself.
	await notes.blur();
	await expect(phone.getByRole('heading', { level: 2, name: '3. Schemaläggning' })).toBeVisible({ timeout: 10_000 });
	await expect(banner).toBeHidden();

	// The chair's link identity is on the events, and the minutes name the chair.
	const events = (await snapshot(chair)).events;
	expect(events.filter((e) => e.type === 'meeting_opened' || e.type === 'item_started').map((e) => e.by)).toEqual(
		events.filter((e) => e.type === 'meeting_opened' || e.type === 'item_started').map(() => meeting.chair)
	);
	await chair.goto(`/m/${meeting.id}/minutes`);
	await expect(chair.locator('article.minutes')).toContainText('Ordföranden Eva Lund öppnar mötet.');
	await expect(chair).toHaveTitle('Minnesanteckningar från Samverkansgruppen');

	await chairContext.close();
	await phoneContext.close();
});

test('"Gå dit" follows the chair at once, and a second meeting link opens in the same tab', async ({ browser }) => {
	const laptopContext = await newContext(browser, LAPTOP);
	const phoneContext = await newContext(browser, PHONE);
	const laptop = await laptopContext.newPage();
	const page = await phoneContext.newPage();
	const first = await seedMeeting(page, 'Första mötet');
	const second = await seedMeeting(page, 'Andra mötet');
	const errors: string[] = [];
	page.on('pageerror', (error) => errors.push(error.message));

	await laptop.goto(`/m/${first.id}#token=${first.organiserToken}`);
	await expectReady(laptop);
	await tab(laptop, 'Punkt').click();
	await laptop.getByRole('button', { name: 'Öppna mötet' }).click();

	await page.goto(`/m/${first.id}#token=${first.organiserToken}`);
	await expectReady(page);
	await tab(page, 'Punkt').click();
	const notes = page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' });
	await notes.pressSequentially('Välkomna', { delay: 10 });
	await laptop.getByRole('button', { name: 'Nästa punkt' }).click();
	await page.getByTestId('chair-elsewhere').getByRole('button', { name: 'Gå dit' }).click();
	await expect(page.getByRole('heading', { level: 2, name: '2. Budget 2027' })).toBeVisible();
	await expect(page.getByTestId('chair-elsewhere')).toBeHidden();

	// The chair tables the rest of the agenda in one step, to an extra meeting with date and time.
	await laptop.getByRole('button', { name: 'Bordlägg resten av agendan' }).click();
	const restForm = laptop.locator('#table-rest-form');
	await expect(restForm).toContainText('(3)');
	await restForm.getByLabel('Vart den ska').selectOption({ label: 'Extrainsatt möte' });
	await restForm.getByLabel('Datum').fill('2026-12-03');
	await restForm.getByLabel('Klockslag (valfritt)').fill('19:00');
	await restForm.getByRole('button', { name: 'Bordlägg resterande punkter' }).click();
	await laptop.goto(`/m/${first.id}/minutes`);
	await expect(laptop.locator('article.minutes')).toContainText(
		'Resterande punkter på agendan bordläggs till ett extrainsatt möte torsdagen den 3 december 2026 kl 19.00.'
	);
	await expect(laptop.locator('article.minutes')).not.toContainText('3. Schemaläggning');

	// A link to the second meeting, followed inside the app (client-side navigation reuses the page).
	await page.evaluate(({ id, organiserToken }) => {
		const link = document.createElement('a');
		link.href = `/m/${id}#token=${organiserToken}`;
		link.textContent = 'Andra mötet';
		document.body.append(link);
		link.click();
	}, second);
	await expect(page.getByRole('heading', { level: 1, name: 'Andra mötet' })).toBeVisible();
	await expectReady(page);
	expect(errors).toEqual([]);
	await laptopContext.close();
	await phoneContext.close();
});
