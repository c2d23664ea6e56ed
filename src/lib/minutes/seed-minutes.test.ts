// The seed meeting, built through the model, rendered to text, Markdown and DOCX: every
// participant line, item title, decision, footnote and flow sentence of the seed text,
// in the seed's order.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readMeeting } from '../meeting/index.js';
import {
	SEED_CLOSING_NOTE,
	SEED_DECISIONS,
	SEED_DECISION_NOTE,
	SEED_ITEM_TITLES,
	buildLedningsgrupp20230609
} from '../../../tests/fixtures/seed-ledningsgrupp-2023-06-09.js';
import { seedsFor } from '../../../tests/fixtures/seeds.js';
import { docxText, readZipEntry } from '../../../tests/fixtures/zip.js';
import { buildMinutes, renderDocx, renderMarkdown, renderText } from './index.js';

const GOLDEN = fileURLToPath(new URL('../../../tests/fixtures/minutes-ledningsgrupp-2023-06-09.txt', import.meta.url));

// Only the first test reads the seed itself; the others check the renderers against the fixture and the golden file.
const seeds = seedsFor('src/lib/minutes/seed-minutes.test.ts', ['ledningsgrupp-2023-06-09.txt']);

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** What the seed prints, in its order (decisions in the order they were made: 7's second after 10). */
function seedFragments(): string[] {
	const title = (n: number) => `${n}. ${SEED_ITEM_TITLES[n - 1]}`;
	const decisions = (n: number, ...indexes: number[]) => indexes.map((i) => SEED_DECISIONS[n][i]);
	return [
		'Minnesanteckningar från Södertörnskommunernas ledningsgrupp',
		'Fredag den 9 juni',
		'kl 08.30-11.00',
		'Plats Huddinge kommunhus, lokal Valhall',
		// The seed heads the list "Deltagare"; the minutes say "Närvarande", as Swedish minutes do (checked apart).
		'Magnus Gyllestad Haninge, ordförande',
		'Camilla Broo Huddinge',
		'Steinunn Asgeirdottir Nykvarn',
		'Kristina Tidestav Nynäshamn (digitalt)',
		'Stefan Hollmark Södertälje',
		'Mats Bergström Salem',
		'Cynthia Runefjärd Tyresö (digitalt)',
		'Helene Olofsson Södertörnskommunerna',
		'Frånvarande:',
		'Petra Oxonius Botkyrka',
		title(1),
		title(2),
		...decisions(2, 0),
		title(3),
		...decisions(3, 0),
		title(4),
		...decisions(4, 0, 1),
		SEED_DECISION_NOTE,
		title(5),
		title(6),
		...decisions(6, 0, 1, 2, 3),
		`${title(7)} (beslutspunkt)`,
		...decisions(7, 0),
		'Mötet bryts för punkt 9 på agendan.',
		title(8),
		'Denna punkt hanns inte med under mötet.',
		title(9),
		...decisions(9, 0),
		title(10),
		'Punkt 7 återupptas.',
		...decisions(7, 1),
		title(11),
		SEED_CLOSING_NOTE,
		'Vid anteckningarna',
		'Justeras',
		'Helene Olofsson',
		'Camilla Broo'
	].map(normalise);
}

/** Asserts that every fragment occurs in `text`, each after the previous one. */
function expectInOrder(text: string, fragments: readonly string[], what: string): void {
	const haystack = normalise(text);
	let from = 0;
	for (const fragment of fragments) {
		const at = haystack.indexOf(fragment, from);
		expect(at, `${what}: "${fragment}" after position ${from}`).toBeGreaterThanOrEqual(0);
		from = at + fragment.length;
	}
}

/** Markdown as read: escapes, emphasis, list and heading marks removed. */
function markdownAsText(markdown: string): string {
	return markdown
		.replace(/\\\n/g, '\n')
		.replace(/^- /gm, '')
		.replace(/(?<!\\)\*+/g, '')
		.replace(/\\([\\`*_[\]<>|~#+=.)-])/g, '$1')
		.replace(/^#+ /gm, '')
		.replace(/\|(?: ?-+ ?\|)*/g, ' ');
}

describe('minutes of the seed meeting (ledningsgrupp 2023-06-09)', () => {
	const { doc } = buildLedningsgrupp20230609();
	const minutes = buildMinutes(readMeeting(doc));
	const text = renderText(minutes);

	it.skipIf(!seeds)('the fragments follow the seed text itself in this order', () => {
		expectInOrder(seeds!.read('ledningsgrupp-2023-06-09.txt'), seedFragments(), 'seed');
	});

	it('plain text holds every line of the seed in the seed order', () => {
		expectInOrder(text, seedFragments(), 'text');
		expect(normalise(text)).toContain('Vid anteckningarna Justeras Helene Olofsson Camilla Broo');
		expect(normalise(text)).toContain('Närvarande Magnus Gyllestad Haninge, ordförande');
	});

	it('plain text equals the golden file', () => {
		if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
		expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
	});

	it('shows the break between items 4 and 5 and lists the guests under Övriga deltagare', () => {
		expectInOrder(text, ['4. Samordnad varudistribution', 'Kort paus.', '5. Utestående'], 'break');
		expectInOrder(
			text,
			['Övriga deltagare Anders Ivarsson Westerberg Södertörns högskola', 'punkt 3', 'Mikael Blomberg Upphandling Södertörn, verksamhetschef, punkt 4', 'Bengt Andersson Södertälje, punkt 9'],
			'guests'
		);
		expect(text).toContain('Uppdrag: Mejla ut redigerat underlag till ledningsgruppen  Ansvarig: Helene Olofsson  Klart: 2023-06-09');
	});

	it('Markdown holds the same, in the same order, with the footnote asterisk escaped', () => {
		const markdown = renderMarkdown(minutes);
		expectInOrder(markdownAsText(markdown), seedFragments(), 'markdown');
		expect(markdown).toContain('\\*Södertälje kommun deltar inte i beslutet ovan.');
		expect(markdown).toContain('## 7\\. Verksamhetsplan och budget (beslutspunkt)');
	});

	it('the DOCX read back holds the same text in the same order', async () => {
		const bytes = await renderDocx(minutes);
		const xml = readZipEntry(bytes, 'word/document.xml');
		const docText = docxText(xml);
		expectInOrder(docText, seedFragments(), 'docx');
		expect(normalise(docText)).toContain('Vid anteckningarna Justeras Helene Olofsson Camilla Broo');
		expect(xml).toContain('w:val="Heading2"');
	});
});
