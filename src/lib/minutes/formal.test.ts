import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildHeldFormalMeeting } from '../../../tests/fixtures/formal-meeting-held.js';
import { readMeeting } from '../meeting/index.js';
import { buildExtract, buildMinutes, renderText } from './index.js';

const GOLDEN = fileURLToPath(new URL('../../../tests/fixtures/minutes-formal-namnd.txt', import.meta.url));

describe('formal procedure in the minutes', () => {
	it('writes jäv, motions, the proposition, the vote and its voting list as a protokoll does (golden text)', () => {
		const { doc } = buildHeldFormalMeeting();
		const text = renderText(buildMinutes(readMeeting(doc)));
		if (process.env.UPDATE_GOLDEN || !existsSync(GOLDEN)) writeFileSync(GOLDEN, text);
		expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
		expect(text).toContain(
			'Ordföranden ställer proposition på arbetsutskottets förslag och David Dahls yrkande och finner att byggnadsnämnden beslutat enligt arbetsutskottets förslag.'
		);
		expect(text).toContain('Omröstning begärs och verkställs.');
		expect(text).toContain('Med 5 ja-röster mot 3 nej-röster beslutar byggnadsnämnden enligt arbetsutskottets förslag. 1 avstår.');
		expect(text).toContain('Bilaga 1: Omröstningslista, § 2');
		// The secret vote is counted without names and has no voting list.
		expect(text).toContain('Omröstningen är sluten.');
		expect(text).not.toContain('Bilaga 2');
	});

	it('the public version and its extract leave out a confidential item’s notes and decisions, the full version keeps them', () => {
		const { doc, items } = buildHeldFormalMeeting();
		const view = readMeeting(doc);
		const full = renderText(buildMinutes(view));
		const open = renderText(buildMinutes(view, { publicVersion: true }));
		const extract = renderText(buildExtract(view, items.personal, { publicVersion: true }));
		for (const secret of ['enskild medarbetares hälsa', 'Anställningen upphör', 'Anställningen fortsätter']) {
			expect(full).toContain(secret);
			expect(open).not.toContain(secret);
			expect(extract).not.toContain(secret);
		}
		for (const text of [open, extract]) {
			expect(text).toContain('3. Personalärende');
			expect(text).toContain('Sekretess enligt OSL 39 kap. 3 §.');
		}
		// The public item that was voted on by name keeps its voting list.
		expect(open).toContain('Bilaga 1: Omröstningslista, § 2');
	});

	it('prints "Bevis om anslag" after approval with the computed end of the appeal period', () => {
		const { doc, members } = buildHeldFormalMeeting();
		const approval = {
			ready: null,
			approvals: [{ participantId: members[0], name: 'Anna Andersson', role: 'chair' as const, at: '2023-06-12T08:00:00.000Z' }],
			pending: [],
			frozenAt: '2023-06-12T08:00:00.000Z',
			approvedAt: '2023-06-12T08:00:00.000Z',
			fingerprint: 'ab'.repeat(32),
			previousVersionId: null,
			nextVersionId: null
		};
		const notice = {
			meetingId: 'm',
			postedOn: '2023-06-13',
			takeDownOn: '2023-07-05',
			keptAt: 'Stadsbyggnadskontoret, Storgatan 1',
			recordedBy: 'Lena Lund',
			recordedAt: '2023-06-13T07:00:00.000Z'
		};
		const text = renderText(buildMinutes(readMeeting(doc), { approval, notice }));
		const block = text.slice(text.indexOf('Bevis om anslag'));
		expect(block).toBe(
			[
				'Bevis om anslag',
				'',
				'Organ: Byggnadsnämnden',
				'Sammanträdesdatum: 9 juni 2023',
				'Protokollet justerat: 12 juni 2023',
				'Datum då anslaget sätts upp: 13 juni 2023',
				'Datum då anslaget tas ned: 5 juli 2023',
				'Förvaringsplats för protokollet: Stadsbyggnadskontoret, Storgatan 1',
				'Tiden för överklagande går ut: 4 juli 2023',
				'',
				'Underskrift ________________________________',
				''
			].join('\n')
		);
		// Not before approval.
		expect(renderText(buildMinutes(readMeeting(doc), { notice }))).not.toContain('Bevis om anslag');
	});
});
