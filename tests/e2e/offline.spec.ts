/**
 * Offline-first in real Chromium: the built service worker, real IndexedDB, the real
 * server. Each device (./device.ts) reaches the server through its own TCP proxy, cut to go
 * offline. The server's side is read by a Node y-websocket client, straight from the server.
 */
import Database from 'better-sqlite3';
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { readMeeting, type MeetingView } from '../../src/lib/meeting/index.ts';
import { connectClient, createMeeting, upgradeStatus } from '../integration/helpers.ts';
import { deviceFactory, expectOffline, expectOnline, type Meeting, SERVER } from './device';
import { expectNoAxeViolations } from './room/helpers';

const device = deviceFactory();

async function expectSaved(page: Page): Promise<void> {
	await expect(page.getByTestId('save-status')).toHaveText('Sparat', { timeout: 20_000 });
}

async function addItem(page: Page, title: string): Promise<void> {
	await page.getByRole('tab', { name: 'Dagordning' }).click();
	const before = await page.getByTestId('agenda-list').locator(':scope > li').count().catch(() => 0);
	await page.getByLabel('Ny punkt').fill(title);
	await page.getByLabel('Ny punkt').press('Enter');
	await expect(page.getByTestId('agenda-list').locator(':scope > li')).toHaveCount(before + 1);
}

async function showItem(page: Page, label: string): Promise<void> {
	await page.getByRole('button', { name: `Visa ${label}` }).first().click();
	await expect(page.getByTestId('item-pane')).toBeVisible();
}

function notes(page: Page) {
	return page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' });
}

async function addDecision(page: Page, text: string): Promise<void> {
	const pane = page.getByTestId('item-pane');
	const before = await pane.getByTestId('decisions').locator(':scope > li').count().catch(() => 0);
	await pane.getByLabel('Nytt beslut', { exact: true }).fill(text);
	await pane.getByRole('button', { name: 'Lägg till beslut' }).click();
	await expect(pane.getByTestId('decisions').locator(':scope > li')).toHaveCount(before + 1);
}

async function addAssignment(page: Page, text: string, owner: string): Promise<void> {
	const pane = page.getByTestId('item-pane');
	await pane.getByLabel('Nytt uppdrag').fill(text);
	await pane.getByLabel('Ansvarig').last().fill(owner);
	await pane.getByRole('button', { name: 'Lägg till uppdrag' }).click();
	await expect(pane.getByLabel(/^Uppdrag \d+$/).last()).toHaveValue(text);
}

/** The meeting as the server has it now, read by a fresh Node client. */
async function serverView(meeting: Meeting): Promise<MeetingView> {
	const client = connectClient(SERVER, meeting.id, meeting.token);
	try {
		await client.synced();
		return readMeeting(client.doc);
	} finally {
		client.destroy();
	}
}

function pageView(page: Page): Promise<MeetingView> {
	return page.evaluate(() => (window as unknown as { __motesrum: { snapshot(): MeetingView } }).__motesrum.snapshot());
}

function occurrences(text: string, part: string): number {
	return text.split(part).length - 1;
}

test('a meeting opened online reloads offline with its items, notes, decisions and assignments', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Ledningsgrupp 9 juni', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.openMeeting(meeting);
	await addItem(page, 'Välkommen');
	await addItem(page, 'Budget 2024');
	await showItem(page, '2. Budget 2024');
	await notes(page).fill('Ekonomichefen redovisar utfallet per april.');
	await addDecision(page, 'Ledningsgruppen godkänner budgeten.');
	await addAssignment(page, 'Ta fram en plan för besparingar', 'Helene Olofsson');
	await expectSaved(page);

	await laptop.offline(page);
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ledningsgrupp 9 juni');
	await expectOffline(page);
	await page.getByRole('tab', { name: 'Dagordning' }).click();
	await expect(page.getByTestId('agenda-list')).toContainText('1. Välkommen');
	await expect(page.getByTestId('agenda-list')).toContainText('2. Budget 2024');
	await showItem(page, '2. Budget 2024');
	await expect(notes(page)).toHaveValue('Ekonomichefen redovisar utfallet per april.');
	await expect(page.getByRole('textbox', { name: 'Beslut 1', exact: true })).toHaveValue('Ledningsgruppen godkänner budgeten.');
	await expect(page.getByLabel('Uppdrag 1', { exact: true })).toHaveValue('Ta fram en plan för besparingar');
	await expect(page.getByTestId('item-pane').getByLabel('Ansvarig').first()).toHaveValue('Helene Olofsson');
});

test('two devices edit the same item offline and converge with every edit on the server, none twice', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Samverkansgrupp', { sample: false });
	const [one, two] = [await device(browser), await device(browser)];
	const a = await one.openMeeting(meeting);
	await addItem(a, 'Arbetsmiljö');
	const b = await two.openMeeting(meeting);
	for (const page of [a, b]) await showItem(page, '1. Arbetsmiljö');
	await notes(a).fill('Gemensam text.');
	await expect(notes(b)).toHaveValue('Gemensam text.');
	await expectSaved(a);

	await one.offline(a);
	await two.offline(b);
	await notes(a).fill('Gemensam text. Från A: skyddsronder i maj.');
	await notes(b).fill('Från B: facket vill se statistiken. Gemensam text.');
	await addDecision(a, 'Skyddsronderna genomförs i maj.');
	await addDecision(b, 'Statistiken redovisas vid nästa möte.');
	await expect(a.getByTestId('save-status')).toHaveText(/väntar$/);
	await expect(b.getByTestId('save-status')).toHaveText(/väntar$/);
	// Nothing reached the server while both were offline.
	expect((await serverView(meeting)).agenda[0].decisions).toHaveLength(0);

	await one.online();
	await two.online();
	await expectSaved(a);
	await expectSaved(b);
	const merged = 'Från B: facket vill se statistiken. Gemensam text. Från A: skyddsronder i maj.';
	await expect(notes(a)).toHaveValue(merged);
	await expect(notes(b)).toHaveValue(merged);
	for (const page of [a, b]) await expect(page.getByTestId('decisions').locator(':scope > li')).toHaveCount(2);

	const server = await serverView(meeting);
	const item = server.agenda[0];
	expect(server.agenda).toHaveLength(1);
	expect(item.notes).toBe(merged);
	for (const part of ['Från A', 'Från B', 'Gemensam text.']) expect(occurrences(item.notes, part)).toBe(1);
	expect(item.decisions.map((d) => d.text).sort()).toEqual(['Skyddsronderna genomförs i maj.', 'Statistiken redovisas vid nästa möte.']);
	await expect.poll(async () => JSON.stringify(await pageView(a)) === JSON.stringify(await pageView(b))).toBe(true);
});

test('offline edits survive closing the page and reach the server when the network is back', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Nämnd', { sample: false });
	const laptop = await device(browser);
	let page = await laptop.openMeeting(meeting);
	await addItem(page, 'Ekonomi');
	await showItem(page, '1. Ekonomi');
	await expectSaved(page);

	await laptop.offline(page);
	await notes(page).fill('Skrivet utan nät.');
	await addDecision(page, 'Nämnden noterar informationen.');
	const waiting = page.getByTestId('save-status');
	await expect(waiting).toHaveText(/väntar$/);
	await page.close();

	// A new page of the same device, still offline, without the link's token.
	page = await laptop.context.newPage();
	await page.goto(`/m/${meeting.id}?testhook`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Nämnd');
	await expectOffline(page);
	// What a person did is not known after a reload, only that something waits.
	await expect(page.getByTestId('save-status')).toHaveText(/väntar$/);
	await showItem(page, '1. Ekonomi');
	await expect(notes(page)).toHaveValue('Skrivet utan nät.');

	await laptop.online();
	await expectSaved(page);
	const item = (await serverView(meeting)).agenda[0];
	expect(item.notes).toBe('Skrivet utan nät.');
	expect(item.decisions.map((d) => d.text)).toEqual(['Nämnden noterar informationen.']);
});

test('the start page lists the meetings on this device offline; "Ta bort från enheten" removes one', async ({ browser }) => {
	const kept = await createMeeting(SERVER, 'Styrelse', { sample: false });
	const removed = await createMeeting(SERVER, 'Ledningsgrupp augusti', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.openMeeting(kept);
	await addItem(page, 'Val av justerare');
	await expectSaved(page);
	await laptop.openMeeting(removed, page);
	await page.getByRole('tab', { name: 'Dagordning' }).click();
	await page.getByLabel('Datum', { exact: true }).first().fill('2024-08-20');
	await page.getByLabel('Datum', { exact: true }).first().press('Tab');
	await addItem(page, 'Budget');
	await expectSaved(page);
	await expect(page.getByTestId('device-copy-saved')).toContainText('Senast sparat på servern');
	await expect(page.getByTestId('device-copy-size')).toContainText(/Storlek på enheten: [\d,]+ (byte|kB)/);

	await laptop.offline(page);
	// An edit the server has not stored: removing must warn about it.
	await addItem(page, 'Övriga frågor');
	await expect(page.getByTestId('save-status')).toHaveText(/väntar$/);
	// The edit's IndexedDB transaction must not be cut short by leaving the page.
	await page.waitForTimeout(300);
	await page.goto('/');
	const list = page.getByTestId('device-meetings');
	await expect(list.getByRole('heading', { name: 'Mina möten på den här enheten' })).toBeVisible();
	const entries = list.getByTestId('device-meeting');
	await expect(entries).toHaveCount(2);
	// Most recently opened first.
	await expect(entries.first().getByRole('link')).toHaveText('Ledningsgrupp augusti');
	await expect(entries.first()).toContainText('Datum 20 augusti 2024');
	await expect(entries.first()).toContainText(/Senast öppnat/);
	await expect(entries.first()).toContainText(/på enheten/);
	await expect(entries.first().getByTestId('device-meeting-saved')).toHaveText(/^\d+ ändring(ar)? är inte sparade? på servern$/);
	await expect(entries.last().getByTestId('device-meeting-saved')).toHaveText('Allt sparat på servern');
	await expectNoAxeViolations(page, 'start page with the device list (offline)');

	// The list opens a meeting from its copy without a network.
	await entries.last().getByRole('link', { name: 'Styrelse' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Styrelse');
	await expect(page.getByTestId('agenda-list')).toContainText('1. Val av justerare');
	await page.goto('/');

	const entry = entries.filter({ hasText: 'Ledningsgrupp augusti' });
	await entry.getByRole('button', { name: 'Ta bort från enheten' }).click();
	await expect(entry.getByRole('group')).toContainText(/har \d+ ändringar som inte är sparade på servern/);
	await expectNoAxeViolations(page, 'start page asking to remove a meeting');
	await entry.getByRole('button', { name: 'Avbryt' }).click();
	await expect(entries).toHaveCount(2);
	expect(await laptop.stored(page, removed.id)).toMatchObject({ listed: true });

	await entry.getByRole('button', { name: 'Ta bort från enheten' }).click();
	await entry.getByRole('button', { name: 'Ja, ta bort' }).click();
	await expect(entries).toHaveCount(1);
	await expect(list.getByRole('status')).toHaveText('”Ledningsgrupp augusti” är borttaget från enheten.');
	expect(await laptop.stored(page, removed.id)).toEqual({ listed: false, updates: 0 });
	expect((await laptop.stored(page, kept.id)).updates).toBeGreaterThan(0);
});

test('a meeting removed from the device on its own page leaves nothing behind', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Arbetsplatsträff', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.openMeeting(meeting);
	await addItem(page, 'Information');
	await expectSaved(page);
	const panel = page.getByTestId('device-copy');
	await expect(panel.getByRole('heading', { name: 'På den här enheten' })).toBeVisible();
	await panel.getByRole('button', { name: 'Ta bort från enheten' }).click();
	await expect(panel.getByRole('group')).toContainText('Mötet finns kvar på servern');
	await panel.getByRole('button', { name: 'Ja, ta bort' }).click();
	await page.waitForURL((url) => url.pathname === '/');
	await expect(page.getByTestId('device-meeting')).toHaveCount(0);
	expect(await laptop.stored(page, meeting.id)).toEqual({ listed: false, updates: 0 });
	// The server still has it.
	expect((await serverView(meeting)).agenda.map((item) => item.title)).toEqual(['Information']);
});

test('a meeting deleted while a device is offline says so when it comes back, and is not brought back', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Extrainsatt nämnd', { sample: false });
	const laptop = await device(browser);
	const page = await laptop.openMeeting(meeting);
	await addItem(page, 'Beslut om lokaler');
	await showItem(page, '1. Beslut om lokaler');
	await notes(page).fill('Förvaltningen föreslår nya lokaler.');
	await expectSaved(page);

	await laptop.offline(page);
	const deleted = await fetch(`${SERVER}/api/meetings/${meeting.id}`, {
		method: 'DELETE',
		headers: { authorization: `Bearer ${meeting.token}` }
	});
	expect(deleted.status).toBe(204);
	// Edited offline after the deletion, and reloaded: the copy and its waiting edit are all the device knows.
	await notes(page).fill('Förvaltningen föreslår nya lokaler. Skrivet offline.');
	await page.reload();
	await expectOffline(page);

	await laptop.online();
	const problem = page.getByTestId('session-problem');
	await expect(problem).toHaveAttribute('data-error', 'meeting-deleted', { timeout: 30_000 });
	await expect(problem.getByRole('heading', { level: 2 })).toHaveText('Mötet är borttaget från servern');
	await expect(problem.getByRole('alert')).toContainText('Kopian på den här enheten finns kvar');
	await expect(problem.getByRole('alert')).toContainText(/\d+ ändringar som gjordes på den här enheten kom aldrig fram till servern/);
	await expect(problem.getByRole('button', { name: 'Exportera kopian (JSON)' })).toBeVisible();
	await expect(problem.getByRole('button', { name: 'Ta bort från enheten' })).toBeVisible();
	// The copy is still readable, read-only.
	await showItem(page, '1. Beslut om lokaler');
	await expect(notes(page)).toHaveValue('Förvaltningen föreslår nya lokaler. Skrivet offline.');
	await expect(notes(page)).not.toBeEditable();
	await expectNoAxeViolations(page, 'meeting page with the deleted-meeting message');

	const download = page.waitForEvent('download');
	await problem.getByRole('button', { name: 'Exportera kopian (JSON)' }).click();
	const exported = JSON.parse(await (await download).createReadStream().then(readAll));
	expect(exported.meeting.agenda[0].notes).toBe('Förvaltningen föreslår nya lokaler. Skrivet offline.');

	// No resurrection: the server still refuses the meeting and stores nothing of it.
	await page.waitForTimeout(3_000);
	const read = await fetch(`${SERVER}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${meeting.token}` } });
	expect(read.status).toBe(404);
	expect(await upgradeStatus(`${SERVER.replace(/^http/, 'ws')}/sync/${meeting.id}?token=${meeting.token}`)).toBe(404);
	expect(storedOnServer(meeting.id)).toBe(0);

	await problem.getByRole('button', { name: 'Ta bort från enheten' }).click();
	await expect(problem.getByRole('group')).toContainText('försvinner de för gott');
	await problem.getByRole('button', { name: 'Ja, ta bort' }).click();
	await page.waitForURL((url) => url.pathname === '/');
	expect(await laptop.stored(page, meeting.id)).toEqual({ listed: false, updates: 0 });
});

test('a meeting never opened on this device says so offline, and opens by itself once online', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Kommunstyrelsen', { sample: false });
	const phone = await device(browser);
	const page = await phone.context.newPage();
	await page.goto('/');
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
	await phone.offline();
	await page.goto(`/m/${meeting.id}#token=${meeting.token}`);
	const notHere = page.getByTestId('not-on-device');
	await expect(notHere.getByRole('heading', { level: 2 })).toHaveText('Mötet finns inte på den här enheten');
	await expect(notHere).toContainText('Det öppnas av sig självt när enheten är ansluten igen.');
	await expectNoAxeViolations(page, 'meeting page, not on this device');

	await phone.online();
	await expectOnline(page);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kommunstyrelsen');
	await expect(notHere).toHaveCount(0);
});

test('two tabs of one meeting keep each other up to date offline', async ({ browser }) => {
	const meeting = await createMeeting(SERVER, 'Styrelsemöte', { sample: false });
	const laptop = await device(browser);
	const first = await laptop.openMeeting(meeting);
	await addItem(first, 'Verksamhetsplan');
	const second = await laptop.openMeeting(meeting);
	for (const page of [first, second]) await showItem(page, '1. Verksamhetsplan');
	await expectSaved(first);

	await laptop.offline(first, second);
	await notes(first).fill('Skrivet i första fliken.');
	await expect(notes(second)).toHaveValue('Skrivet i första fliken.');
	await addDecision(second, 'Planen fastställs.');
	await expect(first.getByTestId('decisions').locator(':scope > li')).toHaveCount(1);
	await expect(first.getByRole('textbox', { name: 'Beslut 1', exact: true })).toHaveValue('Planen fastställs.');
	expect((await serverView(meeting)).agenda[0].notes).toBe('');

	await laptop.online();
	await expectSaved(first);
	await expectSaved(second);
	const item = (await serverView(meeting)).agenda[0];
	expect(item.notes).toBe('Skrivet i första fliken.');
	expect(item.decisions.map((d) => d.text)).toEqual(['Planen fastställs.']);
});

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
	let text = '';
	for await (const chunk of stream) text += chunk.toString();
	return text;
}

/** Rows of the meeting's document in the server's SQLite file (the config's E2E_DATA_DIR). */
function storedOnServer(meetingId: string): number {
	const db = new Database(join(process.env.E2E_DATA_DIR!, 'motesrum.db'), { readonly: true });
	try {
		const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE meeting_id = ?`).get(meetingId) as { n: number }).n;
		return count('updates') + count('snapshots');
	} finally {
		db.close();
	}
}
