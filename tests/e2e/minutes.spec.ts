/**
 * The minutes screen on the built app and the real server: the seed meeting (written
 * into the server's SQLite file as one Yjs update) shown in the seed's layout, axe clean,
 * a protokollsutdrag, a DOCX export read back, justering with the fingerprint check, and
 * print media without the app's chrome.
 *
 * Run: npx vite build && E2E_PORT=4431 npx playwright test tests/e2e/minutes.spec.ts
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { buildLedningsgrupp20230609 } from '../fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { docxText, readZipEntry } from '../fixtures/zip.ts';

const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

async function seedMeeting(page: Page): Promise<{ id: string; token: string }> {
	const response = await page.request.post('/api/meetings', { data: { title: 'Södertörnskommunernas ledningsgrupp' } });
	expect(response.status()).toBe(201);
	const { id, token } = (await response.json()) as { id: string; token: string };
	const { doc } = buildLedningsgrupp20230609();
	const db = new Database(join(process.env.E2E_DATA_DIR!, 'motesrum.db'));
	db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(id, Buffer.from(Y.encodeStateAsUpdate(doc)));
	db.close();
	return { id, token };
}

const squash = (text: string) => text.replace(/\s+/g, ' ');

function expectInOrder(text: string, fragments: string[]): void {
	let from = 0;
	for (const fragment of fragments) {
		const at = squash(text).indexOf(fragment, from);
		expect(at, `"${fragment}" after ${from}`).toBeGreaterThanOrEqual(0);
		from = at + fragment.length;
	}
}

async function axe(page: Page): Promise<void> {
	const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
	expect(result.violations).toEqual([]);
}

test('the minutes of the seed meeting: layout, extract, export, justering, print', async ({ page }) => {
	const meeting = await seedMeeting(page);
	await page.goto(`/m/${meeting.id}/minutes#token=${meeting.token}`);

	const article = page.locator('article.minutes');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Minnesanteckningar från Södertörnskommunernas ledningsgrupp');
	await expect(page.getByRole('heading', { level: 2, name: '7. Verksamhetsplan och budget (beslutspunkt)' })).toBeVisible();
	expectInOrder(await article.innerText(), [
		'Tid Fredag den 9 juni 2023 kl 08.30-11.00',
		'Plats Huddinge kommunhus, lokal Valhall',
		'Närvarande Magnus Gyllestad Haninge, ordförande',
		'Kristina Tidestav Nynäshamn (digitalt)',
		'Frånvarande: Petra Oxonius Botkyrka',
		'1. Välkommen',
		'*Södertälje kommun deltar inte i beslutet ovan.',
		'Kort paus.',
		'7. Verksamhetsplan och budget (beslutspunkt)',
		'Mötet bryts för punkt 9 på agendan.',
		'8. Södertörnskonferensen',
		'Denna punkt hanns inte med under mötet.',
		'9. RUFS',
		'10. Övriga frågor',
		'Punkt 7 återupptas.',
		'11. Nästa möte',
		'Magnus Gyllestad avslutar mötet',
		'Vid anteckningarna',
		'Helene Olofsson'
	]);
	await axe(page);

	// DOCX, made in the browser, read back.
	const [docx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Ladda ner Word (DOCX)' }).click()]);
	expect(docx.suggestedFilename()).toBe('minnesanteckningar-sodertornskommunernas-ledningsgrupp-2023-06-09.docx');
	const docxContent = squash(docxText(readZipEntry(new Uint8Array(readFileSync((await docx.path())!)), 'word/document.xml')));
	expectInOrder(docxContent, ['7. Verksamhetsplan och budget (beslutspunkt)', 'Mötet bryts för punkt 9 på agendan.', 'Punkt 7 återupptas.']);

	// Protokollsutdrag of item 4.
	await page.getByLabel('Visa').selectOption({ label: 'Protokollsutdrag: punkt 4. Samordnad varudistribution' });
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Protokollsutdrag från Södertörnskommunernas ledningsgrupp');
	await expect(article).toContainText('*Södertälje kommun deltar inte i beslutet ovan.');
	await expect(article).not.toContainText('Kompetensutveckling');
	await axe(page);
	await page.getByLabel('Visa').selectOption({ label: 'Hela protokollet' });

	// Justering: ready, then the adjuster approves; the device's copy matches the seal.
	await page.getByRole('button', { name: 'Klar för justering' }).click();
	await expect(page.getByText('Klart för justering. Väntar på: Camilla Broo.')).toBeVisible();
	await page.getByRole('button', { name: 'Justera som Camilla Broo' }).click();
	await expect(page.getByText(/^Justerat .* Protokollet är låst/)).toBeVisible();
	await expect(page.getByText('Fingeravtrycket stämmer med kopian på den här enheten.')).toBeVisible();
	await expect(article).toContainText('Justerat');
	await expect(article).toContainText(/Fingeravtryck \(SHA-256\): [0-9a-f]{64}/);
	await expect(page.getByRole('button', { name: 'Skapa rättad version' })).toBeVisible();
	await axe(page);

	// Print: the document only, no app chrome.
	await page.emulateMedia({ media: 'print' });
	await expect(article).toBeVisible();
	await expect(page.locator('.app-header')).toBeHidden();
	await expect(page.getByRole('button', { name: 'Skriv ut eller spara som PDF' })).toBeHidden();
	await expect(page.getByRole('heading', { name: 'Justering', exact: true })).toHaveCount(1);
	const pdf = await page.pdf({ preferCSSPageSize: true });
	expect(pdf.byteLength).toBeGreaterThan(10_000);
});
