import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addAttachment, addDocument, attachConfidentialPart, readMeeting, replaceAttachment, setItemConfidential } from '../meeting/index.js';
import { meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { readZipEntry } from '../../../tests/fixtures/zip.js';
import { buildExtract, buildMinutes, renderDocx, renderMarkdown, renderText } from './index.js';

const file = (name: string, c: string) => ({ name, sha256: c.repeat(64), size: 2_000_000, type: 'application/pdf', now: '2026-11-30T10:00:00.000Z' });
const fileUrl = (id: string) => `https://motesrum.example.se/api/meetings/m/files/${id}`;

function meeting() {
	const { doc, ids } = meetingWithItems(['Budget 2027', 'Personalärende']);
	addDocument(doc, ids[0], { title: 'Budgetunderlag på intranätet', url: 'https://intranat.example.se/budget.pdf' });
	const old = addAttachment(doc, ids[0], file('Tjänsteutlåtande.pdf', 'a'));
	const current = replaceAttachment(doc, old, file('Tjänsteutlåtande rev 2.pdf', 'b'));
	const table = addAttachment(doc, ids[0], file('Budgettabell.pdf', 'c'));
	addAttachment(doc, ids[1], file('Utredning.pdf', 'd'));
	// The secretary's device, with the confidential part the full version reads.
	attachConfidentialPart(doc, new Y.Doc());
	setItemConfidential(doc, ids[1], 'OSL 39 kap. 3 §');
	return { view: readMeeting(doc), ids, current, table };
}

describe('handlingar in the minutes and every export', () => {
	it('lists the current files by name after the linked documents, as links in Markdown and DOCX', async () => {
		const { view, current, table } = meeting();
		const minutes = buildMinutes(view, { fileUrl });
		const markdown = renderMarkdown(minutes);
		expect(markdown).toContain(
			`- [Budgetunderlag på intranätet](<https://intranat.example.se/budget.pdf>)\n- [Tjänsteutlåtande rev 2.pdf](<${fileUrl(current)}>)\n- [Budgettabell.pdf](<${fileUrl(table)}>)`
		);
		// The replaced version is the document's history, not the minutes'.
		expect(markdown).not.toContain('Tjänsteutlåtande.pdf');
		expect(renderText(minutes)).toContain(`Budgettabell.pdf <${fileUrl(table)}>`);
		const docx = await renderDocx(minutes);
		expect(readZipEntry(docx, 'word/document.xml')).toContain('Budgettabell.pdf');
		expect(readZipEntry(docx, 'word/_rels/document.xml.rels')).toContain(fileUrl(table));
	});

	it('names the files without links when no address is given, and in a protokollsutdrag', () => {
		const { view, ids } = meeting();
		expect(renderText(buildMinutes(view))).toMatch(/Budgettabell\.pdf(?! <)/);
		expect(renderMarkdown(buildExtract(view, ids[0], { fileUrl }))).toContain('[Budgettabell.pdf]');
	});

	it('leaves a confidential item\'s files out of the public version', () => {
		const { view } = meeting();
		expect(renderText(buildMinutes(view))).toContain('Utredning.pdf');
		expect(renderText(buildMinutes(view, { publicVersion: true }))).not.toContain('Utredning.pdf');
	});
});
