/**
 * The meeting of seeds/ledningsgrupp-2023-06-09.txt run through the UI by three people
 * at once: the chair (laptop), the secretary (laptop) and a member on a 360×640 phone.
 * Every screen state passed through is checked with axe, and all three devices must end
 * with the same meeting document.
 */
import { expect, test, type Page } from '@playwright/test';
import {
	SEED_CLOSING_NOTE,
	SEED_DECISION_NOTE,
	SEED_DECISIONS,
	SEED_HEADER,
	SEED_ITEM_TITLES,
	SEED_NOTES
} from '../fixtures/seed-ledningsgrupp-2023-06-09';
import type { MeetingView } from '../../src/lib/meeting/types';
import { createMeetingViaStartPage, expectNoAxeViolations, expectReady, expectSaved, LAPTOP, newContext, openMeeting, PHONE, tab } from './room/helpers';

const PARTICIPANTS: { name: string; organisation: string; role?: string; attendance?: string }[] = [
	{ name: 'Magnus Gyllestad', organisation: 'Haninge', role: 'Ordförande' },
	{ name: 'Camilla Broo', organisation: 'Huddinge', role: 'Justerare' },
	{ name: 'Steinunn Asgeirdottir', organisation: 'Nykvarn' },
	{ name: 'Kristina Tidestav', organisation: 'Nynäshamn', attendance: 'Digitalt' },
	{ name: 'Stefan Hollmark', organisation: 'Södertälje' },
	{ name: 'Mats Bergström', organisation: 'Salem' },
	{ name: 'Cynthia Runefjärd', organisation: 'Tyresö', attendance: 'Digitalt' },
	{ name: 'Helene Olofsson', organisation: 'Södertörnskommunerna', role: 'Sekreterare' },
	{ name: 'Petra Oxonius', organisation: 'Botkyrka', attendance: 'Frånvarande' },
	// "medverkar" for item 3 only.
	{ name: 'Anders Ivarsson Westerberg', organisation: 'Södertörns högskola', role: 'Gäst' }
];

function snapshot(page: Page): Promise<MeetingView> {
	return page.evaluate(() => (window as unknown as { __motesrum: { snapshot(): MeetingView } }).__motesrum.snapshot());
}

/** Shows the item pane following the chair. */
async function followChair(page: Page) {
	await tab(page, 'Punkt').click();
	const follow = page.getByRole('button', { name: 'Följ ordföranden' }).first();
	if (await follow.isVisible()) await follow.click();
}

async function expectCurrent(page: Page, number: number) {
	await expect(page.getByTestId('current-item')).toContainText(`Nu: ${number}. ${SEED_ITEM_TITLES[number - 1]}`);
}

async function addDecision(page: Page, text: string) {
	const pane = page.getByTestId('item-pane');
	const before = await pane.getByTestId('decisions').locator(':scope > li').count().catch(() => 0);
	await pane.getByLabel('Nytt beslut', { exact: true }).fill(text);
	await pane.getByRole('button', { name: 'Lägg till beslut' }).click();
	await expect(pane.getByTestId('decisions').locator(':scope > li')).toHaveCount(before + 1);
}

/** Someone who was just typing stays on their item when the chair moves on (issue 13); "Gå dit" follows. */
async function catchUp(page: Page) {
	await page.getByTestId('chair-elsewhere').getByRole('button', { name: 'Gå dit' }).click();
	await expect(page.getByTestId('chair-elsewhere')).toBeHidden();
}

async function writeNotes(page: Page, text: string) {
	await page.getByTestId('item-pane').getByRole('textbox', { name: 'Anteckningar' }).fill(text);
}

test('three devices run the 2023-06-09 ledningsgrupp meeting and end with the same document', async ({ browser }) => {
	test.setTimeout(240_000);
	const chairContext = await newContext(browser, LAPTOP);
	const secretaryContext = await newContext(browser, LAPTOP);
	const memberContext = await newContext(browser, PHONE);
	const chair = await chairContext.newPage();
	const secretary = await secretaryContext.newPage();
	const member = await memberContext.newPage();

	const meeting = await createMeetingViaStartPage(chair, SEED_HEADER.title);
	await openMeeting(chair, meeting, { testHook: true });
	await openMeeting(secretary, meeting, { testHook: true });
	await openMeeting(member, meeting, { testHook: true });

	// --- Before: the secretary prepares the header and the agenda.
	await secretary.getByLabel('Grupp').fill(SEED_HEADER.groupName);
	await secretary.getByLabel('Grupp').press('Tab');
	await secretary.getByLabel('Datum', { exact: true }).first().fill(SEED_HEADER.date);
	await secretary.getByLabel('Start', { exact: true }).fill(SEED_HEADER.startTime);
	await secretary.getByLabel('Slut', { exact: true }).fill(SEED_HEADER.endTime);
	await secretary.getByLabel('Plats eller länk').first().fill(SEED_HEADER.place);
	await secretary.getByLabel('Plats eller länk').first().press('Tab');
	const nextMeeting = secretary.getByRole('group', { name: 'Nästa möte' });
	await nextMeeting.getByLabel('Datum').fill(SEED_HEADER.nextMeeting.date);
	await nextMeeting.getByLabel('Tid').fill(SEED_HEADER.nextMeeting.time);
	await nextMeeting.getByLabel('Plats eller länk').fill(SEED_HEADER.nextMeeting.place);
	await nextMeeting.getByLabel('Om nästa möte').fill(SEED_HEADER.nextMeeting.note);
	await nextMeeting.getByLabel('Om nästa möte').press('Tab');

	for (const title of SEED_ITEM_TITLES) {
		await secretary.getByLabel('Ny punkt').fill(title);
		await secretary.getByLabel('Ny punkt').press('Enter');
	}
	await expect(member.getByTestId('agenda-list').locator(':scope > li')).toHaveCount(SEED_ITEM_TITLES.length);
	// Item 7 is a "beslutspunkt".
	await secretary.getByRole('button', { name: 'Redigera 7. Verksamhetsplan och budget' }).click();
	await secretary.getByLabel('Typ av punkt').selectOption({ label: 'Beslutspunkt' });
	await secretary.getByLabel('Planerad tid (min)').fill('20');
	await secretary.getByLabel('Planerad tid (min)').press('Tab');
	await secretary.getByLabel('Föredragande').fill('Helene Olofsson');
	await secretary.getByRole('button', { name: 'Lägg till', exact: true }).first().click();
	await expect(member.getByTestId('agenda-list')).toContainText('Beslutspunkt · 20 min · Helene Olofsson');
	await expectNoAxeViolations(secretary, 'agenda editing (laptop)');
	await expectNoAxeViolations(member, 'agenda (phone)');

	// --- Participants, with "(digitalt)" and the absentee.
	await tab(secretary, 'Deltagare').click();
	for (const person of PARTICIPANTS) {
		await secretary.getByLabel('Namn', { exact: true }).fill(person.name);
		await secretary.getByLabel('Organisation', { exact: true }).fill(person.organisation);
		await secretary.getByLabel('Roll', { exact: true }).selectOption({ label: person.role ?? 'Ledamot' });
		await secretary.getByLabel('Närvaro', { exact: true }).selectOption({ label: person.attendance ?? 'Närvarande i rummet' });
		await secretary.getByRole('button', { name: 'Lägg till deltagare' }).click();
	}
	await secretary.getByRole('button', { name: 'Redigera Anders Ivarsson Westerberg' }).click();
	await secretary.getByLabel('Deltar i').selectOption({ label: 'Endast vissa punkter' });
	await secretary.getByRole('checkbox', { name: '3. Kompetensutveckling i samarbete med Södertörns högskola' }).check();
	await tab(member, 'Deltagare').click();
	const memberList = member.getByTestId('participants');
	await expect(memberList.locator(':scope > li')).toHaveCount(PARTICIPANTS.length);
	await expect(memberList).toContainText('Kristina Tidestav, Nynäshamn (digitalt)');
	await expect(memberList).toContainText('Cynthia Runefjärd, Tyresö (digitalt)');
	await expect(memberList.locator(':scope > li', { hasText: 'Petra Oxonius' })).toContainText('Frånvarande');
	await expect(memberList.locator(':scope > li', { hasText: 'Anders Ivarsson Westerberg' })).toContainText('Gäst · Närvarande i rummet · endast punkt 3');

	// Who am I, on each device, then check in.
	await member.getByLabel('Vem är du?').selectOption({ label: 'Steinunn Asgeirdottir' });
	await member.getByRole('button', { name: 'Checka in i rummet' }).click();
	await expect(member.getByTestId('checked-in')).toContainText('Steinunn Asgeirdottir är incheckad');
	await tab(chair, 'Deltagare').click();
	await chair.getByLabel('Vem är du?').selectOption({ label: 'Magnus Gyllestad' });
	await chair.getByRole('button', { name: 'Checka in i rummet' }).click();
	await secretary.getByLabel('Vem är du?').selectOption({ label: 'Helene Olofsson' });
	await secretary.getByRole('button', { name: 'Checka in i rummet' }).click();
	await expect(chair.getByTestId('presence')).toContainText('Steinunn Asgeirdottir');
	await expectNoAxeViolations(secretary, 'participants (laptop)');
	await expectNoAxeViolations(member, 'participants (phone)');

	// --- During: the chair opens the meeting and runs the agenda.
	await tab(chair, 'Punkt').click();
	await chair.getByRole('button', { name: 'Öppna mötet' }).click();
	await expectCurrent(member, 1);
	// The running item's time, in the room's one format (whole minutes against the plan).
	await expect(chair.getByTestId('current-timer')).toHaveText(/^\d+ (av \d+ )?min$/);
	await tab(member, 'Punkt').click();
	await expect(member.getByRole('heading', { name: '1. Välkommen', level: 2 })).toBeVisible();
	await followChair(secretary);
	await writeNotes(secretary, SEED_NOTES[1]);
	await expect(member.getByRole('textbox', { name: 'Anteckningar' })).toHaveValue(SEED_NOTES[1]);
	await expectNoAxeViolations(chair, 'live room with chair controls (laptop)');
	await expectNoAxeViolations(member, 'live room (phone)');

	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 2);
	await catchUp(secretary);
	await addDecision(secretary, SEED_DECISIONS[2][0]);

	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 3);
	await addDecision(secretary, SEED_DECISIONS[3][0]);
	await expect(member.getByRole('textbox', { name: 'Beslut 1', exact: true })).toHaveValue(SEED_DECISIONS[3][0]);
	await expectNoAxeViolations(secretary, 'item with a decision (laptop)');
	await expectNoAxeViolations(member, 'item with a decision (phone)');

	// Item 4: two decisions; the member writes the footnote on the second from the phone.
	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 4);
	await addDecision(secretary, SEED_DECISIONS[4][0]);
	await addDecision(secretary, SEED_DECISIONS[4][1]);
	await expect(member.getByTestId('decisions').locator(':scope > li')).toHaveCount(2);
	const footnote = member.getByLabel('Fotnot').nth(1);
	await footnote.fill(SEED_DECISION_NOTE);
	await footnote.press('Tab');
	await expect(secretary.getByLabel('Fotnot').nth(1)).toHaveValue(SEED_DECISION_NOTE);
	const assignmentPane = secretary.getByTestId('item-pane');
	await assignmentPane.getByLabel('Nytt uppdrag').fill('Utvärderingens första del läggs fram på kommundirektörskonferensen');
	await assignmentPane.getByLabel('Ansvarig').last().fill('Förvaltningsorganisationen för samordnad varudistribution');
	await assignmentPane.getByRole('button', { name: 'Lägg till uppdrag' }).click();
	await expect(member.getByTestId('assignments')).toBeVisible();
	await expectNoAxeViolations(member, 'item with two decisions and an assignment (phone)');

	// A short break after item 4.
	await chair.getByRole('button', { name: 'Kort paus' }).click();
	await expect(member.getByTestId('meeting-status')).toHaveText('Paus');
	await expectNoAxeViolations(chair, 'break (laptop)');
	await chair.getByRole('button', { name: 'Avsluta pausen' }).click();
	await expect(member.getByTestId('meeting-status')).toHaveText('Mötet pågår');

	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 5);
	// An open question goes to the parking lot, from the phone.
	await tab(member, 'Parkering').click();
	await member.getByLabel('Ny öppen fråga').fill('Boka in möte mellan Samarbetskommittén och Stockholm stad senare i höst.');
	await member.getByRole('button', { name: 'Parkera frågan' }).click();
	await tab(secretary, 'Parkering').click();
	await expect(secretary.getByTestId('parking-open')).toContainText('Stockholm stad');
	await expect(secretary.getByTestId('parking-open')).toContainText('Till: Nästa möte');
	await expectNoAxeViolations(secretary, 'parking lot (laptop)');
	await expectNoAxeViolations(member, 'parking lot (phone)');
	await followChair(secretary);

	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 6);
	for (const decision of SEED_DECISIONS[6]) await addDecision(secretary, decision);

	// Item 7: the first decision, then "Mötet bryts för punkt 9".
	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 7);
	await addDecision(secretary, SEED_DECISIONS[7][0]);
	await chair.getByLabel('Ajournera punkt 7 för').selectOption({ label: '9. RUFS' });
	await chair.getByRole('button', { name: 'Ajournera', exact: true }).click();
	await expectCurrent(member, 9);
	await expectCurrent(secretary, 9);
	await addDecision(secretary, SEED_DECISIONS[9][0]);

	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 10);
	await writeNotes(secretary, SEED_NOTES[10]);

	// "Punkt 7 återupptas", with its second decision.
	await chair.getByRole('button', { name: 'Återuppta 7. Verksamhetsplan och budget' }).click();
	await expectCurrent(secretary, 7);
	await catchUp(secretary);
	await addDecision(secretary, SEED_DECISIONS[7][1]);

	// Item 8 was not reached: the chair looks at it and marks it.
	await chair.getByRole('navigation', { name: 'Dagordningens punkter' }).getByRole('button', { name: /^8\. Södertörnskonferensen/ }).click();
	await chair.getByRole('button', { name: 'Punkt 8 hanns inte med' }).click();
	await expect(chair.getByTestId('item-pane')).toContainText('Hanns inte med');
	await chair.getByRole('button', { name: 'Följ ordföranden' }).first().click();

	// The member looks back at item 3, and follows the chair again.
	await tab(member, 'Dagordning').click();
	await member.getByRole('button', { name: 'Visa 3. Kompetensutveckling i samarbete med Södertörns högskola' }).click();
	await expect(member.getByTestId('not-following')).toBeVisible();
	await member.getByRole('button', { name: 'Följ ordföranden' }).first().click();
	await expect(member.getByRole('heading', { level: 2, name: '7. Verksamhetsplan och budget' })).toBeVisible();

	await chair.getByRole('button', { name: 'Nästa punkt' }).click();
	await expectCurrent(secretary, 11);
	await writeNotes(secretary, SEED_NOTES[11]);
	await chair.getByRole('button', { name: 'Avsluta mötet' }).click();
	await chair.getByLabel('Avslutande ord (valfritt)').fill(SEED_CLOSING_NOTE);
	await chair.getByRole('button', { name: 'Avsluta mötet nu' }).click();
	await expect(member.getByTestId('meeting-status')).toHaveText('Mötet är avslutat.');

	// --- After: all three devices hold the same meeting, and it is the seed's.
	for (const page of [chair, secretary, member]) await expectSaved(page);
	const reference = await snapshot(chair);
	await expect.poll(() => snapshot(secretary)).toEqual(reference);
	await expect.poll(() => snapshot(member)).toEqual(reference);

	expect(reference.header).toMatchObject({
		groupName: SEED_HEADER.groupName,
		date: SEED_HEADER.date,
		startTime: SEED_HEADER.startTime,
		endTime: SEED_HEADER.endTime,
		place: SEED_HEADER.place,
		nextMeeting: SEED_HEADER.nextMeeting
	});
	expect(reference.participants.map((p) => [p.name, p.attendance])).toEqual(
		PARTICIPANTS.map((p) => [p.name, p.attendance === 'Digitalt' ? 'remote' : p.attendance === 'Frånvarande' ? 'absent' : 'room'])
	);
	expect(reference.participants.filter((p) => p.checkedIn).map((p) => p.name).sort()).toEqual(
		['Helene Olofsson', 'Magnus Gyllestad', 'Steinunn Asgeirdottir']
	);
	const items = reference.agenda;
	const guest = reference.participants.find((p) => p.name === 'Anders Ivarsson Westerberg');
	expect(guest).toMatchObject({ role: 'guest', section: 'others', items: { scope: 'only', itemIds: [items[2].id] } });
	expect(items.map((i) => i.title)).toEqual([...SEED_ITEM_TITLES]);
	expect(items[2].decisions.map((d) => d.text)).toEqual([...SEED_DECISIONS[3]]);
	expect(items[3].decisions.map((d) => d.text)).toEqual([...SEED_DECISIONS[4]]);
	expect(items[3].decisions[1].note).toBe(SEED_DECISION_NOTE);
	expect(items[6].decisions.map((d) => d.text)).toEqual([...SEED_DECISIONS[7]]);
	expect(items[6].kind).toBe('decision');
	expect(items[7].status).toBe('not_reached');
	expect(items.filter((i) => i.id !== items[7].id).every((i) => i.status === 'done')).toBe(true);
	const flow = reference.events
		.filter((e) => e.applied && ['item_suspended', 'item_resumed', 'item_not_reached'].includes(e.type))
		.map((e) => [e.type, items.find((i) => i.id === e.itemId)?.number, items.find((i) => i.id === e.forItemId)?.number ?? null]);
	expect(flow).toEqual([
		['item_suspended', '7', '9'],
		['item_resumed', '7', null],
		['item_not_reached', '8', null]
	]);
	expect(reference.live.breaks).toHaveLength(1);
	expect(reference.live.status).toBe('closed');
	expect(reference.live.closingNote).toBe(SEED_CLOSING_NOTE);
	expect(reference.parkingLot.map((e) => e.destination)).toEqual([{ kind: 'next_meeting' }]);

	await chairContext.close();
	await secretaryContext.close();
	await memberContext.close();
});
