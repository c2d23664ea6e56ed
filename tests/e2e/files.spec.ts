/**
 * Handlingar in real Chromium with the built service worker and the real server: upload by
 * the file picker and open online; an upload whose network goes away waits and resumes; a file
 * too large is refused in Swedish with nothing stored; an observer never gets a confidential
 * item's file; and a phone that opened a meeting with 10 handlingar (60 MB) once opens every
 * one of them without a network, lists their size, and removing the meeting removes them.
 *
 * The phone reaches the server through its own TCP proxy, so "offline" cuts the websocket
 * too (Chromium's offline emulation leaves open sockets alone), as in offline.spec.ts.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { addAttachment, addItem, attachConfidentialPart, initMeeting, setItemConfidential } from '../../src/lib/meeting/index.ts';
import { FILE_TYPES } from '../../src/lib/protocol/files.ts';
import { invite } from '../integration/access-helpers.ts';
import { connectClient, createMeeting, waitFor } from '../integration/helpers.ts';
import { startProxy } from '../integration/multi-helpers.ts';
import { expectNoAxeViolations, LAPTOP, PHONE } from './room/helpers';

const SERVER = `http://127.0.0.1:${process.env.E2E_PORT ?? 4317}`;
const DOCX = FILE_TYPES.find((t) => t.extensions.includes('docx'))!.mime;
const XLSX = FILE_TYPES.find((t) => t.extensions.includes('xlsx'))!.mime;

interface Meeting {
	id: string;
	token: string;
}

interface Listed {
	id: string;
	name: string;
	type: string;
	sha256: string;
	size: number;
}

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Random bytes that begin as the type's files do. */
function fileBytes(type: string, size: number): Buffer {
	const bytes = randomBytes(size);
	const magic = type === 'application/pdf' ? Buffer.from('%PDF-1.7\n') : type === 'image/png' ? Buffer.from('89504e470d0a1a0a', 'hex') : Buffer.from('504b0304', 'hex');
	magic.copy(bytes);
	return bytes;
}

async function uploadThroughApi(meeting: Meeting, name: string, bytes: Buffer, type: string): Promise<string> {
	const headers = { authorization: `Bearer ${meeting.token}` };
	const base = `${SERVER}/api/meetings/${meeting.id}/uploads`;
	const started = await fetch(base, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ name, type, size: bytes.length }) });
	const { uploadId } = (await started.json()) as { uploadId: string };
	await fetch(`${base}/${uploadId}`, { method: 'PATCH', headers: { ...headers, 'upload-offset': '0' }, body: new Blob([new Uint8Array(bytes)]) });
	const finished = (await (await fetch(`${base}/${uploadId}/finish`, { method: 'POST', headers })).json()) as { sha256: string };
	return finished.sha256;
}

/** A meeting with one item (and a confidential one when asked) whose files were uploaded and listed by the organiser. */
async function meetingWithFiles(files: { name: string; type: string; size: number; confidential?: boolean }[]): Promise<{ meeting: Meeting; listed: Listed[] }> {
	const meeting = await createMeeting(SERVER, 'Kommunstyrelsen', { sample: false });
	const writer = connectClient(SERVER, meeting.id, meeting.token);
	// A confidential item's listing moves into the meeting's confidential part when it is marked.
	const part = connectClient(SERVER, `${meeting.id}/confidential`, meeting.token);
	attachConfidentialPart(writer.doc, part.doc);
	try {
		await Promise.all([writer.synced(), part.synced()]);
		initMeeting(writer.doc, { title: 'Kommunstyrelsen' });
		const open = addItem(writer.doc, { title: 'Budget 2027' });
		const secret = files.some((f) => f.confidential) ? addItem(writer.doc, { title: 'Personalärende' }) : null;
		const listed: Listed[] = [];
		for (const file of files) {
			const bytes = fileBytes(file.type, file.size);
			const sha256 = await uploadThroughApi(meeting, file.name, bytes, file.type);
			expect(sha256).toBe(sha(bytes));
			const itemId = file.confidential ? secret! : open;
			listed.push({ id: addAttachment(writer.doc, itemId, { name: file.name, sha256, size: bytes.length, type: file.type }), name: file.name, type: file.type, sha256, size: bytes.length });
		}
		if (secret) setItemConfidential(writer.doc, secret, 'OSL 39 kap. 3 §');
		await waitFor(() => writer.allSaved() && part.allSaved(), 'the files listed', 30_000);
		return { meeting, listed };
	} finally {
		writer.destroy();
		part.destroy();
	}
}

async function openRoom(page: Page, meeting: Meeting): Promise<void> {
	await page.goto(`/m/${meeting.id}#token=${meeting.token}`);
	// The first page of a fresh server on a busy machine may take a while.
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible({ timeout: 30_000 });
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'online', { timeout: 30_000 });
}

async function showItem(page: Page, title: string): Promise<void> {
	await page.getByRole('tab', { name: 'Dagordning' }).click();
	await page.getByRole('button', { name: new RegExp(`^Visa .*${title}`) }).first().click();
	await expect(page.getByTestId('item-pane')).toBeVisible();
}

async function editItem(page: Page, title: string): Promise<void> {
	await page.getByRole('tab', { name: 'Dagordning' }).click();
	await page.getByRole('button', { name: new RegExp(`^Redigera .*${title}`) }).first().click();
	await expect(page.getByTestId('file-manager')).toBeVisible();
}

/** Fetches a file's address as the page would (through the service worker) and describes the answer. */
function openInPage(page: Page, href: string) {
	return page.evaluate(async (url) => {
		const response = await fetch(url);
		const bytes = await response.arrayBuffer();
		const digest = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
		return {
			status: response.status,
			type: response.headers.get('content-type'),
			disposition: response.headers.get('content-disposition'),
			nosniff: response.headers.get('x-content-type-options'),
			sha256: digest
		};
	}, href);
}

function stagingFiles(): string[] {
	const dir = path.join(process.env.E2E_DATA_DIR!, 'files', 'staging');
	return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

test.describe('handlingar', () => {
	test('a runner uploads a PDF with the file picker; it is listed and opens online with its type and bytes', async ({ browser }) => {
		test.setTimeout(120_000);
		const { meeting } = await meetingWithFiles([]);
		const context = await browser.newContext({ viewport: LAPTOP, locale: 'sv-SE' });
		const page = await context.newPage();
		await openRoom(page, meeting);
		await editItem(page, 'Budget 2027');
		const bytes = fileBytes('application/pdf', 1_500_000);
		await page.getByTestId('file-input').setInputFiles({ name: 'Tjänsteutlåtande budget.pdf', mimeType: 'application/pdf', buffer: bytes });
		await expect(page.getByTestId('file-manager').getByText('Tjänsteutlåtande budget.pdf', { exact: true })).toBeVisible();
		await expectNoAxeViolations(page, 'the agenda editor with a file');

		await showItem(page, 'Budget 2027');
		const link = page.getByTestId('item-file-link').filter({ hasText: 'Tjänsteutlåtande budget.pdf' });
		await expect(link).toHaveAttribute('target', '_blank');
		const opened = await openInPage(page, (await link.getAttribute('href'))!);
		expect(opened).toMatchObject({ status: 200, type: 'application/pdf', nosniff: 'nosniff', sha256: sha(bytes) });
		expect(opened.disposition).toMatch(/^inline; /);
		// The address carries no token; the file cookie (HttpOnly) opened it.
		expect(await link.getAttribute('href')).not.toContain(meeting.token);
		await expect(page.getByTestId('device-files-count')).toHaveText(/1 av 1 handlingar på enheten/);
		await expectNoAxeViolations(page, 'the item with its files');
		await context.close();
	});

	test('an upload whose network goes away says so, waits, and resumes where it stopped', async ({ browser }) => {
		test.setTimeout(180_000);
		const { meeting } = await meetingWithFiles([]);
		const context = await browser.newContext({ viewport: LAPTOP, locale: 'sv-SE' });
		const page = await context.newPage();
		await openRoom(page, meeting);
		await editItem(page, 'Budget 2027');
		let cut = false;
		await page.route('**/uploads/*', async (route) => {
			if (route.request().method() === 'PATCH' && !cut) {
				cut = true;
				await context.setOffline(true);
				return route.abort('internetdisconnected');
			}
			return route.continue();
		});
		const bytes = fileBytes(DOCX, 800_000);
		await page.getByTestId('file-input').setInputFiles({ name: 'Bilaga.docx', mimeType: DOCX, buffer: bytes });
		await expect(page.getByTestId('upload-state')).toContainText('Nätet försvann under uppladdningen av Bilaga.docx');
		await expectNoAxeViolations(page, 'an upload waiting for the network');
		await context.setOffline(false);
		await expect(page.getByTestId('file-manager').getByText('Bilaga.docx', { exact: true })).toBeVisible({ timeout: 30_000 });
		await expect(page.getByTestId('uploads')).toHaveCount(0);
		await context.close();
	});

	test('a file too large is refused before it is sent, in Swedish, and nothing of it is stored', async ({ browser }) => {
		test.setTimeout(180_000);
		// From a file on disk: Chromium reads it itself, no 25 MB through the test protocol.
		const large = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-files-')), 'Årsredovisning.pdf');
		fs.writeFileSync(large, fileBytes('application/pdf', 25_000_001));
		const { meeting } = await meetingWithFiles([]);
		const context = await browser.newContext({ viewport: LAPTOP, locale: 'sv-SE' });
		const page = await context.newPage();
		await openRoom(page, meeting);
		await editItem(page, 'Budget 2027');
		let patches = 0;
		page.on('request', (request) => request.method() === 'PATCH' && patches++);
		await page.getByTestId('file-input').setInputFiles(large);
		await expect(page.getByTestId('upload-error')).toHaveText('Årsredovisning.pdf laddades inte upp: filen är för stor. Högst 25 MB per fil.');
		expect(patches).toBe(0);
		expect(stagingFiles()).toEqual([]);
		await expect(page.getByTestId('file-manager').getByText('Årsredovisning.pdf', { exact: true })).toHaveCount(0);
		await expectNoAxeViolations(page, 'a refused upload');
		await context.close();
		fs.rmSync(path.dirname(large), { recursive: true, force: true });
	});

	test('an observer does not see the files of a confidential item, is refused them by address, and opens the others', async ({ browser }) => {
		const { meeting, listed } = await meetingWithFiles([
			{ name: 'Budgetförslag.pdf', type: 'application/pdf', size: 20_000 },
			{ name: 'Utredning om en anställd.pdf', type: 'application/pdf', size: 30_000, confidential: true }
		]);
		const observer = await invite(SERVER, meeting, { name: 'Åhörare', role: 'observer' });
		const context = await browser.newContext({ viewport: LAPTOP, locale: 'sv-SE' });
		const page = await context.newPage();
		await openRoom(page, { id: meeting.id, token: observer.token });
		await showItem(page, 'Personalärende');
		// Not even its name: the listing is in the confidential part, which an observer never receives.
		await expect(page.getByTestId('confidential')).toHaveText('Sekretess enligt OSL 39 kap. 3 §');
		await expect(page.getByTestId('item-file')).toHaveCount(0);
		await expect(page.getByTestId('item-pane')).not.toContainText('Utredning om en anställd.pdf');
		// Asked for by its address anyway (with the observer's file cookie): refused by the server.
		const refused = await openInPage(page, `/api/meetings/${meeting.id}/files/${listed[1].id}`);
		expect(refused.status).toBe(403);
		expect((await openInPage(page, `/api/meetings/${meeting.id}/files/${listed[0].id}`)).sha256).toBe(listed[0].sha256);
		await expect(page.getByTestId('device-files-count')).toHaveText(/1 av 1 handlingar på enheten/);
		await expectNoAxeViolations(page, 'an observer and a confidential item');
		await context.close();
	});

	test('a phone that opened a meeting with 10 handlingar (60 MB) once shows and opens every one offline', async ({ browser }) => {
		test.setTimeout(420_000);
		const kinds = [
			...Array.from({ length: 7 }, (_, i) => ({ name: `Handling ${i + 1}.pdf`, type: 'application/pdf' })),
			{ name: 'Protokollsbilaga.docx', type: DOCX },
			{ name: 'Budgettabell.xlsx', type: XLSX },
			{ name: 'Karta.png', type: 'image/png' }
		];
		const { meeting, listed } = await meetingWithFiles(kinds.map((k) => ({ ...k, size: 6_000_000 })));
		const proxy = await startProxy(Number(new URL(SERVER).port));
		const context = await browser.newContext({ viewport: PHONE, isMobile: true, hasTouch: true, locale: 'sv-SE', baseURL: proxy.origin });
		try {
			const page = await context.newPage();
			await openRoom(page, meeting);
			await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 20_000 });
			await expect(page.getByTestId('device-files-count')).toHaveText('10 av 10 handlingar på enheten (60 MB)', { timeout: 120_000 });

			proxy.cut();
			await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'offline');
			await context.setOffline(true);
			// Opened afresh without a network: the shell from the service worker, the meeting and its files from the device.
			await page.goto(`/m/${meeting.id}`);
			await showItem(page, 'Budget 2027');
			await expect(page.getByTestId('item-file')).toHaveCount(10);
			await expect(page.getByTestId('item-file-on-device')).toHaveCount(10);
			for (const file of listed) {
				const link = page.getByTestId('item-file-link').filter({ hasText: file.name });
				const opened = await openInPage(page, (await link.getAttribute('href'))!);
				expect(opened, file.name).toMatchObject({ status: 200, type: file.type, nosniff: 'nosniff', sha256: file.sha256 });
				// PDFs and images open in the browser's viewer, office files download.
				expect(opened.disposition).toMatch(file.type === DOCX || file.type === XLSX ? /^attachment; / : /^inline; /);
				expect(await link.getAttribute('target')).toBe(file.type === DOCX || file.type === XLSX ? null : '_blank');
			}
			// A PDF opened from the list: a new tab showing the device's copy.
			const [viewer] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('item-file-link').filter({ hasText: 'Handling 1.pdf' }).click()]);
			await viewer.waitForLoadState();
			expect(await viewer.evaluate(() => document.contentType)).toBe('application/pdf');
			await viewer.close();
			await expectNoAxeViolations(page, 'the files offline on a phone');

			// The device list tells their size; removing the meeting removes them.
			await page.goto('/');
			const entry = page.getByTestId('device-meeting').filter({ hasText: 'Kommunstyrelsen' });
			await expect(entry.getByTestId('device-meeting-files')).toHaveText('Handlingar: 10 (60 MB)');
			await entry.getByRole('button', { name: /Ta bort från enheten/ }).click();
			await entry.getByRole('button', { name: 'Ja, ta bort' }).click();
			await expect(page.getByTestId('device-meeting').filter({ hasText: 'Kommunstyrelsen' })).toHaveCount(0);
			const left = await page.evaluate(
				() =>
					new Promise<{ files: number; blobs: number }>((resolve, reject) => {
						const open = indexedDB.open('motesrum');
						open.onerror = () => reject(open.error);
						open.onsuccess = () => {
							const tx = open.result.transaction(['files', 'blobs'], 'readonly');
							const files = tx.objectStore('files').count();
							const blobs = tx.objectStore('blobs').count();
							tx.oncomplete = () => resolve({ files: files.result, blobs: blobs.result });
						};
					})
			);
			expect(left).toEqual({ files: 0, blobs: 0 });
		} finally {
			await context.close();
			await proxy.close();
		}
	});
});
