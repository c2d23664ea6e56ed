/**
 * The group page in real Chromium against the real server: creating a group from the
 * start page, roster and template, meetings created from the group carrying open
 * matters, the assignment list with CSV, search online and offline, with axe checks.
 * The meetings' content is written by a y-websocket client from the test, as a room
 * would (the room UI is built elsewhere).
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type * as Y from 'yjs';
import { addAssignment, addItem, setHeader, tableItem } from '../../src/lib/meeting/index.ts';
import { connectClient, waitFor } from '../integration/helpers.ts';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function expectAccessible(page: Page): Promise<void> {
	const { violations } = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}

/** Writes into a meeting over the sync endpoint, as a participant's device would. */
async function writeMeeting(origin: string, meetingId: string, token: string, change: (doc: Y.Doc) => void): Promise<void> {
	const client = connectClient(origin, meetingId, token);
	try {
		await client.synced();
		change(client.doc);
		await waitFor(() => client.allSaved(), 'edits saved');
	} finally {
		client.destroy();
	}
}

function itemId(doc: Y.Doc, title: string): string {
	const items = doc.getMap<Y.Map<unknown>>('items');
	for (const [id, map] of items) if (map.get('title') === title) return id;
	throw new Error(`no item ${title}`);
}

test('a group online and offline: template, carried matters, assignments, CSV, search', async ({ page, context, baseURL }) => {
	await page.goto('/');
	await page.getByLabel('Gruppens namn').fill('Södertörnskommunernas ledningsgrupp');
	await page.getByRole('button', { name: 'Skapa grupp' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Södertörnskommunernas ledningsgrupp' })).toBeVisible();
	const url = new URL(page.url());
	const groupId = url.pathname.split('/')[2];
	// The token left the address bar; the tab keeps it for its session.
	const token = (await page.evaluate((id) => sessionStorage.getItem(`motesrum:token:${id}`), groupId))!;
	expect(token).toBeTruthy();
	expect(page.url()).not.toContain('token=');
	await expect(page.getByRole('status').filter({ hasText: 'Ansluten' })).toBeVisible();

	// The standing agenda is there and editable.
	const template = page.getByRole('region', { name: 'Standarddagordning' });
	await expect(template.getByRole('textbox', { name: 'Punkt 3' })).toHaveValue('Föregående möten / utestående ärenden');
	await template.getByLabel('Ny stående punkt').fill('Aktuella remisser');
	await template.getByRole('button', { name: 'Lägg till punkt' }).click();
	await expect(template.getByRole('textbox', { name: 'Punkt 4' })).toHaveValue('Aktuella remisser');

	// Roster, with the keyboard.
	const roster = page.getByRole('region', { name: 'Deltagarlista' });
	await roster.getByLabel('Namn', { exact: true }).last().fill('Camilla Broo');
	await roster.getByLabel('Organisation').last().fill('Huddinge');
	await roster.getByLabel('Organisation').last().press('Enter');
	await expect(roster.getByRole('status')).toHaveText('Camilla Broo har lagts till.');
	await expectAccessible(page);

	// The first meeting; its content comes from a participant's device.
	const meetings = page.getByRole('region', { name: 'Möten' });
	await meetings.getByLabel('Datum (valfritt)').fill('2023-06-09');
	await meetings.getByRole('button', { name: 'Skapa mötet' }).click();
	await expect(meetings.getByRole('status')).toHaveText('Möte 1 är skapat.');
	const first = meetings.getByRole('link', { name: /^Möte 1:/ });
	const firstId = (await first.getAttribute('href'))!.split('/')[2].split('#')[0];
	await writeMeeting(baseURL!, firstId, token, (doc) => {
		const item = addItem(doc, { title: 'Samordnad varudistribution', notes: 'Avtalet med Widriksson Åkeri AB kan förlängas.', index: 3 });
		addAssignment(doc, item, { text: 'Ta fram en tidplan för Södertälje', owner: { name: 'Camilla Broo' } });
		tableItem(doc, itemId(doc, 'Aktuella remisser'), { destination: { kind: 'next_meeting' } });
		setHeader(doc, { nextMeeting: { date: '2023-09-21', time: '12:00', place: 'Häringe slott' } });
	});

	// The next meeting carries the open matters.
	await meetings.getByRole('button', { name: 'Skapa mötet' }).click();
	await expect(meetings.getByRole('status')).toHaveText('Möte 2 är skapat.');
	await expect(meetings.getByRole('link', { name: /^Möte 2:/ })).toBeVisible();
	const outstanding = page.getByRole('region', { name: 'Utestående ärenden' });
	await expect(outstanding.getByRole('listitem')).toHaveCount(2);
	await expect(outstanding).toContainText('Ta fram en tidplan för Södertälje');
	await expect(outstanding).toContainText('Från Södertörnskommunernas ledningsgrupp, 2023-06-09, punkt 4 Samordnad varudistribution');
	await expect(outstanding).toContainText('Aktuella remisser');

	// Assignment list: CSV, then mark done.
	const assignments = page.getByRole('region', { name: 'Uppdrag' });
	await assignments.getByLabel('Organisation').selectOption('');
	const download = page.waitForEvent('download');
	await assignments.getByRole('button', { name: 'Exportera CSV' }).click();
	const csv = readFileSync(await (await download).path()!, 'utf8');
	expect(csv.startsWith('\uFEFFMöte,Datum,Punkt,Uppdrag,Ansvarig')).toBe(true);
	expect(csv).toContain('Ta fram en tidplan för Södertälje,Camilla Broo,,,Öppet');
	await assignments.getByRole('button', { name: 'Markera klart: Ta fram en tidplan för Södertälje' }).click();
	await expect(assignments.getByRole('status')).toHaveText('0 uppdrag');
	await expect(outstanding.getByRole('listitem')).toHaveCount(1);
	await assignments.getByLabel('Status').selectOption('done');
	await expect(assignments).toContainText('Klart — markerat klart i gruppens lista');

	// Search online (the server).
	const search = page.getByRole('region', { name: 'Sök i gruppens anteckningar' });
	await search.getByLabel('Sökord').fill('widriksson');
	await search.getByRole('button', { name: 'Sök' }).click();
	await expect(search.getByRole('status')).toHaveText('1 träffar.');
	await expect(search.getByRole('listitem')).toContainText('Widriksson Åkeri AB');
	await expectAccessible(page);

	// Offline with the page loaded: the device's copies answer the search, lists stay.
	await context.setOffline(true);
	await expect(page.getByRole('status').filter({ hasText: 'Frånkopplad' })).toBeVisible({ timeout: 15_000 });
	await search.getByLabel('Sökord').fill('åkeri');
	await search.getByRole('button', { name: 'Sök' }).click();
	await expect(search.getByRole('status')).toHaveText('1 träffar. Sökte i mötena på den här enheten.');
	await expect(outstanding.getByRole('listitem')).toHaveCount(1);
	await expect(meetings.getByRole('button', { name: 'Skapa mötet' })).toBeDisabled();
	await expectAccessible(page);

	// Offline reload: the service worker's shell, then everything from IndexedDB.
	await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 20_000 });
	await page.goto(`/g/${groupId}`);
	await expect(page.getByRole('heading', { level: 1, name: 'Södertörnskommunernas ledningsgrupp' })).toBeVisible();
	await expect(page.getByRole('region', { name: 'Utestående ärenden' }).getByRole('listitem')).toHaveCount(1);
	const offlineSearch = page.getByRole('region', { name: 'Sök i gruppens anteckningar' });
	await offlineSearch.getByLabel('Sökord').fill('tidplan');
	await offlineSearch.getByRole('button', { name: 'Sök' }).click();
	await expect(offlineSearch.getByRole('status')).toContainText('Sökte i mötena på den här enheten.');
	await expectAccessible(page);
	await context.setOffline(false);
});
