/**
 * A 9-member nämnd on four devices (chair on a laptop, two members and an observer on
 * phones): the speaker list with a reply let ahead of the queue, a named vote with one
 * member excluded for jäv and a second ballot impossible, quorum lost for one item and
 * regained when a deputy serves, a secret vote on the confidential item counted without names
 * (the observer gets neither its propositions nor the vote); then the minutes in
 * protokoll wording, the public version without the confidential item, justering and the
 * notice (anslag) with its computed dates. axe on every screen shown.
 *
 * Run: npm run build && E2E_PORT=4327 npx playwright test tests/e2e/formal.spec.ts
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import * as Y from 'yjs';
import { addProposition, attachConfidentialPart, openMeeting, setItemConfidential, setItemScope, startItem } from '../../src/lib/meeting/index.ts';
import { appealEndsOn, earliestTakeDown, swedishDate } from '../../src/lib/minutes/notice.ts';
import { buildFormalMeeting } from '../fixtures/formal-meeting.ts';
import { buildHeldFormalMeeting } from '../fixtures/formal-meeting-held.ts';
import { expectNoAxeViolations, expectReady, LAPTOP, newContext, PHONE } from './room/helpers';

/** Stores `doc` (and the meeting's confidential part, if given) as the new meeting's document. */
async function seed(page: Page, doc: Y.Doc, part?: Y.Doc): Promise<{ id: string; token: string }> {
	const response = await page.request.post('/api/meetings', { data: { title: 'Byggnadsnämndens sammanträde' } });
	expect(response.status()).toBe(201);
	const { id, token } = (await response.json()) as { id: string; token: string };
	const db = new Database(join(process.env.E2E_DATA_DIR!, 'motesrum.db'));
	db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)').run(id, Buffer.from(Y.encodeStateAsUpdate(doc)));
	if (part) db.prepare('INSERT INTO confidential_updates (meeting_id, data) VALUES (?, ?)').run(id, Buffer.from(Y.encodeStateAsUpdate(part)));
	db.close();
	return { id, token };
}

async function invite(page: Page, meeting: { id: string; token: string }, body: { name: string; role: string; participantId?: string }) {
	const response = await page.request.post(`/api/meetings/${meeting.id}/invitations`, {
		headers: { authorization: `Bearer ${meeting.token}` },
		data: body
	});
	expect(response.status()).toBe(201);
	return ((await response.json()) as { url: string }).url;
}

async function device(browser: Browser, url: string, viewport = PHONE): Promise<Page> {
	const page = await (await newContext(browser, viewport)).newPage();
	await page.goto(url.replace(/^https?:\/\/[^/]+/, ''));
	// The fourth browser on a busy shared machine can take longer than one expect's timeout to start.
	await expect(page.getByRole('tablist', { name: 'Mötets delar' })).toBeVisible({ timeout: 30_000 });
	await expectReady(page);
	return page;
}

const queueOf = (page: Page) => page.getByTestId('speaker-queue').getByRole('listitem');

test('speaker list, named and secret votes, jäv and quorum on four devices', async ({ browser }) => {
	// Four browser contexts on a shared 2-core machine: the steps are many, not slow.
	test.setTimeout(240_000);
	const formal = buildFormalMeeting();
	const { doc, members, items } = formal;
	// Item 3's propositions and votes go into the confidential part when it is marked.
	const part = new Y.Doc();
	attachConfidentialPart(doc, part);
	addProposition(doc, items.personal, {
		kind: 'motion',
		text: 'Anställningen fortsätter.',
		mover: { participantId: members[1] }
	});
	addProposition(doc, items.personal, { kind: 'original', label: 'förvaltningens förslag', text: 'Anställningen upphör.' });
	setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
	// Five ledamöter leave for item 3 ("ej punkt 3"): four of nine remain.
	for (const id of members.slice(3, 8)) setItemScope(doc, id, { scope: 'except', itemIds: [items.personal] });
	openMeeting(doc);
	startItem(doc, items.detaljplan);

	const setup = await (await newContext(browser)).newPage();
	const meeting = await seed(setup, doc, part);
	const chair = await device(browser, await invite(setup, meeting, { name: 'Anna Andersson', role: 'chair', participantId: members[0] }), LAPTOP);
	const bertil = await device(browser, await invite(setup, meeting, { name: 'Bertil Berg', role: 'member', participantId: members[1] }));
	const ingrid = await device(browser, await invite(setup, meeting, { name: 'Ingrid Isaksson', role: 'member', participantId: members[8] }));
	const observer = await device(browser, await invite(setup, meeting, { name: 'Åhörare', role: 'observer' }));

	await expect(chair.getByTestId('quorum')).toHaveText(/Beslutför: 9 av 9 ledamöter/);
	await expect(observer.getByRole('button', { name: 'Begär ordet' })).toHaveCount(0);
	await expect(bertil.getByRole('button', { name: 'Ge ordet till nästa' })).toHaveCount(0);

	// --- Speaker list: Ingrid asks for the floor, Bertil for a reply; the chair lets the reply go first.
	await ingrid.getByRole('button', { name: 'Begär ordet' }).click();
	await expect(queueOf(chair)).toHaveText([/Ingrid Isaksson/]);
	await bertil.getByRole('button', { name: 'Begär replik' }).click();
	await expect(queueOf(chair)).toHaveText([/Ingrid Isaksson/, /Bertil Berg.*begär replik/]);
	await expect(bertil.getByText(/ordning i vilken begäran nådde mötet/)).toBeVisible();
	await chair.getByRole('button', { name: 'Replik för Bertil Berg' }).click();
	await expect(queueOf(ingrid)).toHaveText([/^Bertil Berg\s+replik/, /^Ingrid Isaksson\s\(du\)/]);
	await chair.getByRole('button', { name: 'Ge ordet till nästa' }).click();
	for (const page of [ingrid, observer, bertil]) await expect(page.getByTestId('speaking-now')).toContainText('Replik: Bertil Berg');
	await expect(observer.getByTestId('speaking-now')).toContainText('Nästa: Ingrid Isaksson');
	await expect(bertil.getByRole('button', { name: 'Begär ordet' })).toBeVisible();
	await chair.getByRole('button', { name: 'Avsluta talaren' }).click();
	await expect(ingrid.getByTestId('speaking-now')).toContainText('Ingen har ordet.');

	// --- Jäv: Hans Holm takes no part in item 2.
	await chair.getByLabel('Vem är jävig').selectOption({ label: 'Hans Holm' });
	await chair.getByRole('button', { name: 'Anmäl jäv' }).click();
	await expect(observer.getByTestId('quorum')).toHaveText(/Beslutför: 8 av 9/);

	// --- A motion and a named vote.
	await chair.getByLabel('Yrkande av').selectOption({ label: 'David Dahl' });
	await chair.getByLabel('Lydelse').fill('Ärendet återremitteras.');
	await chair.getByRole('button', { name: 'Lägg till yrkande' }).click();
	await expect(bertil.getByTestId('propositions').getByRole('listitem')).toHaveText([/arbetsutskottets förslag/, /Yrkande av David Dahl: Ärendet återremitteras\./]);
	await chair.getByLabel('Ja-röst för').selectOption({ label: 'arbetsutskottets förslag' });
	await chair.getByLabel('Nej-röst för').selectOption({ label: 'Yrkande av David Dahl' });
	await chair.getByRole('button', { name: 'Starta omröstningen' }).click();

	const ballot = (page: Page) => page.getByRole('group', { name: 'Din röst' });
	await ballot(bertil).getByRole('button', { name: 'Ja', exact: true }).click();
	await expect(bertil.getByTestId('my-vote')).toHaveText('Du har röstat: Ja.');
	await expect(ballot(bertil)).toHaveCount(0);
	await ballot(ingrid).getByRole('button', { name: 'Nej', exact: true }).click();
	await expect(observer.getByTestId('vote-progress')).toHaveText('2 av 8 har röstat.');
	await expect(ballot(observer)).toHaveCount(0);
	await expectNoAxeViolations(bertil, 'a member’s phone during a vote');

	await ballot(chair).getByRole('button', { name: 'Ja', exact: true }).click();
	await chair.getByText('Registrera röster som avges muntligt').click();
	await expect(chair.getByRole('group', { name: 'Röst för Hans Holm' })).toHaveCount(0);
	const byVoice: [string, string][] = [
		['Cecilia Carlsson', 'Ja'],
		['David Dahl', 'Nej'],
		['Eva Ek', 'Ja'],
		['Fredrik Falk', 'Avstår'],
		['Greta Gran', 'Ja']
	];
	for (const [name, choice] of byVoice) {
		await chair.getByRole('group', { name: `Röst för ${name}` }).getByRole('button', { name: choice, exact: true }).click();
	}
	await expect(chair.getByTestId('vote-progress')).toHaveText('8 av 8 har röstat.');
	await expectNoAxeViolations(chair, 'the chair during a vote');
	await chair.getByRole('button', { name: 'Avsluta omröstningen' }).click();
	await expect(observer.getByTestId('vote-result')).toHaveText('Resultat: Ja 5, Nej 2, Avstår 1, ej röstat 0.');
	const rows = bertil.getByTestId('vote-table').getByRole('row');
	await expect(rows).toHaveCount(9);
	await expect(bertil.getByTestId('vote-table')).not.toContainText('Hans Holm');
	await expect(bertil.getByTestId('vote-table')).toContainText('Ingrid IsakssonNej');
	await chair.getByRole('button', { name: 'Registrera beslutet', exact: true }).click();
	await expect(ingrid.getByTestId('decisions')).toBeVisible();
	await expect(ingrid.locator('[data-testid=decisions] textarea').first()).toHaveValue('Byggnadsnämnden antar detaljplanen för kvarteret Eken.');

	// --- Item 3: five have left, so the nämnd is not quorate until a deputy serves.
	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expect(bertil.getByTestId('confidential')).toHaveText('Sekretess enligt OSL 39 kap. 3 §');
	// The quorum depends on jäv, which is confidential here: a member sees it, the observer sees no quorum line at all.
	await expect(bertil.getByTestId('quorum')).toHaveText(/Inte beslutför: 4 av 9 ledamöter deltar i punkten, minst 5 krävs/);
	await expect(observer.getByTestId('quorum')).toHaveCount(0);
	await expect(chair.getByTestId('decision-quorum-warning')).toBeVisible();
	await chair.getByRole('tab', { name: /Deltagare/ }).click();
	await chair.getByRole('button', { name: 'Redigera Jonas Jakobsson' }).click();
	await chair.getByLabel('Tjänstgörande ersättare').check();
	await expect(bertil.getByTestId('quorum')).toHaveText(/Beslutför: 5 av 9/);
	await chair.getByRole('tab', { name: /Punkt/ }).click();
	await expect(chair.getByTestId('decision-quorum-warning')).toHaveCount(0);

	// --- A secret vote: counted without names.
	await chair.getByLabel('Sluten').check();
	await chair.getByLabel('Ja-röst för').selectOption({ label: 'förvaltningens förslag' });
	await chair.getByLabel('Nej-röst för').selectOption({ label: 'Yrkande av Bertil Berg' });
	await chair.getByRole('button', { name: 'Starta omröstningen' }).click();
	await expect(chair.getByText('Registrera röster som avges muntligt')).toHaveCount(0);
	await ballot(bertil).getByRole('button', { name: 'Nej', exact: true }).click();
	await expect(bertil.getByTestId('my-vote')).toHaveText('Du har röstat.');
	await ballot(ingrid).getByRole('button', { name: 'Ja', exact: true }).click();
	await ballot(chair).getByRole('button', { name: 'Ja', exact: true }).click();
	await expect(bertil.getByTestId('vote-progress')).toHaveText('3 av 5 har röstat.');
	await chair.getByRole('button', { name: 'Avsluta omröstningen' }).click();
	await expect(bertil.getByTestId('vote-result')).toHaveText('Resultat: Ja 2, Nej 1, Avstår 0, ej röstat 2.');
	// Counted without names: no voting list for a secret vote.
	await expect(bertil.getByTestId('vote-table')).toHaveCount(0);
	// The item is confidential: the observer gets neither its propositions nor the vote.
	await expect(observer.getByTestId('confidential')).toHaveText('Sekretess enligt OSL 39 kap. 3 §');
	for (const testId of ['vote-progress', 'vote-result']) await expect(observer.getByTestId(testId)).toHaveCount(0);
	await expect(observer.getByText('Anställningen upphör')).toHaveCount(0);
	await expectNoAxeViolations(observer, 'an observer’s phone after the votes');
});

test('the minutes in protokoll wording, the public version, justering and the notice', async ({ browser }) => {
	const { doc, part } = buildHeldFormalMeeting();
	const organiser = await (await newContext(browser)).newPage();
	const meeting = await seed(organiser, doc, part);
	await organiser.goto(`/m/${meeting.id}/minutes#token=${meeting.token}`);
	const article = organiser.locator('article.minutes');
	await expect(article).toContainText('Ordföranden ställer proposition på arbetsutskottets förslag och David Dahls yrkande');
	await expect(article).toContainText('Omröstning begärs och verkställs.');
	await expect(article).toContainText('Bilaga 1: Omröstningslista, § 2');
	await expect(article).toContainText('enskild medarbetares hälsa');
	await organiser.getByTestId('public-version').check();
	await expect(article).not.toContainText('enskild medarbetares hälsa');
	await expect(article).not.toContainText('Anställningen upphör');
	await expect(article).toContainText('Sekretess enligt OSL 39 kap. 3 §.');
	await expectNoAxeViolations(organiser, 'the public minutes');

	await organiser.getByRole('button', { name: 'Klar för justering' }).click();
	await organiser.getByRole('button', { name: /Justera som Anna Andersson/ }).click();
	const panel = organiser.getByTestId('notice-panel');
	await expect(panel).toContainText('Inget anslag registrerat än.');
	const today = swedishDate(new Date().toISOString());
	await panel.getByLabel('Anslaget sattes upp').fill(today);
	await panel.getByLabel('Anslaget tas ned').fill(appealEndsOn(today));
	await panel.getByLabel('Förvaringsplats för protokollet').fill('Stadsbyggnadskontoret, Storgatan 1');
	await panel.getByRole('button', { name: 'Spara anslaget' }).click();
	await expect(panel.getByRole('alert')).toContainText('Anslaget får tas ned tidigast');
	await panel.getByLabel('Anslaget tas ned').fill(earliestTakeDown(today));
	await panel.getByRole('button', { name: 'Spara anslaget' }).click();
	await expect(panel).toContainText('Anslaget är sparat.');
	await expect(panel.getByTestId('appeal-ends')).toContainText('Tiden för överklagande går ut');
	const block = organiser.getByTestId('notice-block');
	await expect(block).toContainText('Bevis om anslag');
	await expect(block).toContainText('Organ: Byggnadsnämnden');
	await expect(block).toContainText('Förvaringsplats för protokollet: Stadsbyggnadskontoret, Storgatan 1');
	await expect(block).toContainText('Underskrift');
	await expectNoAxeViolations(organiser, 'the approved minutes with the notice');
});
