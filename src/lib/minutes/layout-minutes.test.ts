// Golden minutes of a meeting built to exercise every layout rule (tests/fixtures/meeting-every-layout.ts):
// plain text against its golden file, and the DOCX read back in the same order.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMeeting } from '../meeting/index.js';
import { buildEveryLayoutMeeting } from '../../../tests/fixtures/meeting-every-layout.js';
import { docxText, readZipEntry } from '../../../tests/fixtures/zip.js';
import { buildMinutes, renderDocx, renderMarkdown, renderText } from './index.js';

const GOLDEN = fileURLToPath(new URL('../../../tests/fixtures/minutes-every-layout.txt', import.meta.url));
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

function expectInOrder(text: string, fragments: readonly string[], what: string): void {
	const haystack = squash(text);
	let from = 0;
	for (const fragment of fragments) {
		const found = haystack.indexOf(squash(fragment), from);
		expect(found, `${what}: "${fragment}" after position ${from}`).toBeGreaterThanOrEqual(0);
		from = found + squash(fragment).length;
	}
}

/** What every export must hold, in this order. */
const FRAGMENTS = [
	'Minnesanteckningar från Samverkansgruppen för socialförvaltningen',
	'Plats Teams',
	'Närvarande Eva Lund Socialförvaltningen, ordförande',
	'Frånvarande: Per Nyström Vårdförbundet',
	'Ordföranden Eva Lund öppnar mötet.',
	'1. Mötets öppnande',
	'2. Budget 2027',
	'Förvaltningen presenterar förslaget till budget.',
	'Diskussion',
	'Lönerevision',
	'klar i mars',
	'Vakanser',
	'sju tjänster obesatta',
	'Beslut',
	'1) Att godkänna informationen.',
	'Diskussionen fortsätter om tidplanen:',
	'Remiss i december',
	'Beslut',
	'2) Att förvaltningen återkommer med en tidplan.',
	'3) Att facken lämnar synpunkter senast 15 december.',
	'Underlag',
	'Budgetunderlag 2027',
	'3. Frågor från organisationerna',
	'Frågor från Kommunal',
	'3a. Bemanning i hemtjänsten',
	'Föredragande: Lena Berg',
	'Kort paus.',
	'Mötet bryts för punkt 4 på agendan.',
	'4. Information från förvaltningen',
	'Kort paus.',
	'Punkt 3a återupptas.',
	'Att frågan tas upp igen i januari.',
	'3b. Schemaläggning',
	'Frågor från Vision',
	'3c. Arbetsmiljöronder',
	'Resterande punkter på agendan bordläggs till ett extrainsatt möte torsdagen den 3 december 2026 kl 19.00.',
	'Nästa möte',
	'Ordinarie möte, torsdagen den 21 januari 2027 kl 13.00, Teams.',
	'Ordföranden Eva Lund avslutar mötet.',
	'Vid anteckningarna',
	'Justeras'
];

describe('minutes that exercise every layout rule', () => {
	const { doc } = buildEveryLayoutMeeting();
	const minutes = buildMinutes(readMeeting(doc));
	const text = renderText(minutes);

	it('plain text equals the golden file', () => {
		if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
		expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
	});

	it('holds every rule in order, and nobody carries "(digitalt)" in an all-digital meeting', () => {
		expectInOrder(text, FRAGMENTS, 'text');
		expect(text).not.toContain('(digitalt)');
		// Tabled with the rest, nothing written: not printed one by one.
		expect(text).not.toContain('Övriga frågor');
	});

	it('the DOCX read back holds the same in the same order, with the document link', async () => {
		const xml = readZipEntry(await renderDocx(minutes), 'word/document.xml');
		expectInOrder(docxText(xml), FRAGMENTS, 'docx');
		const rels = readZipEntry(await renderDocx(minutes), 'word/_rels/document.xml.rels');
		expect(rels).toContain('https://intranat.example.se/budget-2027.pdf');
	});

	it('Markdown nests the lists and keeps the link', () => {
		const markdown = renderMarkdown(minutes);
		expect(markdown).toContain('- Lönerevision\n   - klar i mars');
		expect(markdown).toContain('1. Remiss i december\n2. Beslut i februari');
		expect(markdown).toContain('[Budgetunderlag 2027](<https://intranat.example.se/budget-2027.pdf>)');
		expect(markdown).toContain('#### Diskussion');
	});

	it('numbers decisions within each "Beslut", or not at all, as the secretary chooses', async () => {
		const { updateItem } = await import('../meeting/index.js');
		const { doc: own, items } = buildEveryLayoutMeeting();
		updateItem(own, items.budget, { decisionNumbering: 'block' });
		const block = squash(renderText(buildMinutes(readMeeting(own))));
		expect(block).toContain('Beslut Att godkänna informationen.');
		expect(block).toContain('Beslut 1) Att förvaltningen återkommer med en tidplan. 2) Att facken');
		updateItem(own, items.budget, { decisionNumbering: 'none' });
		expect(squash(renderText(buildMinutes(readMeeting(own))))).toContain('Beslut Att förvaltningen återkommer med en tidplan. Att facken');
	});

	it('marks remote people per person, or not at all, as the meeting chooses', async () => {
		const { setHeader } = await import('../meeting/index.js');
		setHeader(doc, { remoteMarking: 'per_person', openingClosing: false, minutesHeading: 'Anteckningar från samverkan' });
		const chosen = renderText(buildMinutes(readMeeting(doc)));
		expect(chosen).toContain('Eva Lund     Socialförvaltningen, ordförande (digitalt)');
		expect(chosen.startsWith('Anteckningar från samverkan\n')).toBe(true);
		expect(chosen).not.toContain('öppnar mötet');
		expect(chosen).not.toContain('avslutar mötet');
	});
});
