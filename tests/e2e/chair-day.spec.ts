/**
 * The secretary's and the chair's day (issue 14): a 19-person meeting prepared in a counted
 * number of actions (one paste, "endast punkt" in the same paste, invitations for everyone
 * from the room with the .ics parsed back), the chair running the meeting by keyboard alone
 * with focus asserted after each action while a second person hears each change (and a
 * member on a phone landing on the current item), the room's time in whole minutes under a
 * fake clock (overtime in words, the planned end against the agenda, the break counted
 * down), and the room in dark mode and at 320 px checked with axe.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Locator, type Page } from '@playwright/test';
import ICAL from 'ical.js';
import { createMeetingViaStartPage, expectNoAxeViolations, expectReady, expectSaved, newContext, openMeeting, tab } from './room/helpers';

/** Every click, fill and key press the person makes while preparing, counted. */
class Counted {
	count = 0;
	async click(target: Locator) {
		this.count++;
		await target.click();
	}
	async fill(target: Locator, value: string) {
		this.count++;
		await target.fill(value);
	}
	async press(target: Locator, key: string) {
		this.count++;
		await target.press(key);
	}
}

// Three long walks through the app with axe several times each, on a shared two-core machine.
test.describe.configure({ timeout: 180_000 });

const AGENDA = ['Välkommen', 'Val av justerare', 'Budget 2027', 'Lokalfrågan', 'Övriga frågor'];

/** 19 people as copied from a spreadsheet: tab-separated, six attend one item only, two present. */
const PEOPLE = [
	['Maria Holm', 'Haninge kommun', 'Ordförande', 'maria.holm@haninge.se', ''],
	['Sven Ek', 'Haninge kommun', 'Sekreterare', 'sven.ek@haninge.se', ''],
	['Anna Berg', 'Tyresö kommun', 'Justerare', 'anna.berg@tyreso.se', ''],
	['Karin Lind', 'Nynäshamns kommun', 'Ledamot', 'karin.lind@nynashamn.se', ''],
	['Per Olsson', 'Botkyrka kommun', 'Ledamot', 'per.olsson@botkyrka.se', ''],
	['Lena Nyström', 'Huddinge kommun', 'Ledamot', 'lena.nystrom@huddinge.se', ''],
	['Johan Ström', 'Nykvarns kommun', 'Ledamot', 'johan.strom@nykvarn.se', ''],
	['Eva Sjöberg', 'Salems kommun', 'Ledamot', 'eva.sjoberg@salem.se', ''],
	['Ali Hassan', 'Södertälje kommun', 'Ledamot', 'ali.hassan@sodertalje.se', ''],
	['Sara Wikström', 'Vision', 'Ledamot', 'sara.wikstrom@vision.se', ''],
	['Olle Dahl', 'Kommunal', 'Ledamot', 'olle.dahl@kommunal.se', ''],
	['Mona Ek', 'Akademikerförbundet SSR', 'Ledamot', 'mona.ek@akademssr.se', ''],
	['Rickard Blom', 'Ekonomienheten', 'Föredragande', 'rickard.blom@haninge.se', 'endast punkt 3'],
	['Meeri Aalto', 'Fastighetsenheten', 'Föredragande', 'meeri.aalto@haninge.se', 'endast punkt 4'],
	['Helene Olofsson', 'HR', 'Gäst', 'helene.olofsson@haninge.se', 'endast punkt 3'],
	['Tomas Falk', 'Revisionen', 'Gäst', 'tomas.falk@haninge.se', 'endast punkt 3'],
	['Ida Lund', 'Kommunikation', 'Gäst', 'ida.lund@haninge.se', 'endast punkt 4'],
	['Nils Ström', 'Digitalisering', 'Gäst', 'nils.strom@haninge.se', 'endast punkt 4'],
	['Ulla Berg', 'Kommunstyrelsen', 'Observatör', 'ulla.berg@haninge.se', '']
];

test('a 19-person meeting with 6 "endast punkt" people is prepared and invited in at most 30 actions', async ({ browser }) => {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', serviceWorkers: 'block', timezoneId: 'Europe/Stockholm', acceptDownloads: true });
	const page = await context.newPage();
	await createMeetingViaStartPage(page, 'Ledningsgruppen');
	await expectReady(page);
	const act = new Counted();

	// The details and the agenda.
	for (const [selector, value] of [
		['#h-date', '2026-12-01'],
		['#h-start', '09:00'],
		['#h-end', '11:00'],
		['#h-place', 'Stadshuset, rum 3'],
		['#h-link', 'https://teams.microsoft.com/l/meetup-join/lg-dec']
	] as const) {
		await act.fill(page.locator(selector), value);
		await act.press(page.locator(selector), 'Tab');
	}
	for (const title of AGENDA) {
		await act.fill(page.getByLabel('Ny punkt'), title);
		await act.press(page.getByLabel('Ny punkt'), 'Enter');
	}
	await expect(page.getByTestId('agenda-list')).toContainText('5. Övriga frågor');

	// Everyone in one paste, reviewed, added.
	await act.click(tab(page, 'Deltagare'));
	await act.fill(page.getByLabel('Lista med deltagare'), PEOPLE.map((row) => row.join('\t')).join('\n'));
	await act.click(page.getByRole('button', { name: 'Granska listan' }));
	await expect(page.getByRole('heading', { name: 'Granska 19 rader' })).toBeFocused();
	await act.click(page.getByRole('button', { name: 'Lägg till 19 deltagare' }));
	const people = page.getByTestId('participants').locator(':scope > li');
	await expect(people).toHaveCount(19);
	await expect(people.filter({ hasText: 'endast punkt' })).toHaveCount(6);
	await expect(people.filter({ hasText: 'Rickard Blom' })).toContainText('Föredragande');
	await expect(people.filter({ hasText: 'Rickard Blom' })).toContainText('endast punkt 3');
	await expectSaved(page);

	// Invitations for everyone, from the room.
	await act.click(page.getByRole('link', { name: 'Bjud in' }));
	await expect(page.getByRole('heading', { level: 1 })).toContainText('Ledningsgruppen');
	await act.click(page.getByRole('button', { name: 'Skapa inbjudningar (19)' }));
	const toSend = page.getByTestId('invitations-to-send');
	await expect(toSend.getByRole('article')).toHaveCount(19);
	expect(act.count, 'actions to prepare the meeting').toBeLessThanOrEqual(30);

	// A presenter is invited as a member; the letter holds time, place, link, agenda, scope and the personal link.
	const rickard = toSend.getByRole('article', { name: 'Rickard Blom – ledamot' });
	const text = await rickard.getByLabel('E-posttext till Rickard Blom').inputValue();
	expect(text).toContain('Inbjudan: Ledningsgruppen, tisdag 1 december 2026');
	expect(text).toContain('Du är inbjuden till Ledningsgruppen som ledamot.');
	expect(text).toContain('Du deltar endast i punkt 3.');
	expect(text).toContain('Tid: tisdag 1 december 2026 kl. 09:00–11:00');
	expect(text).toContain('Plats: Stadshuset, rum 3');
	expect(text).toContain('Digitalt: https://teams.microsoft.com/l/meetup-join/lg-dec');
	expect(text).toContain('3. Budget 2027');
	const link = /\/m\/[A-Za-z0-9_-]+#token=[A-Za-z0-9_-]{43}/.exec(text)?.[0];
	expect(link).toBeTruthy();
	const mailto = await rickard.getByRole('link', { name: 'Skriv e-post till Rickard Blom' }).getAttribute('href');
	expect(mailto).toMatch(/^mailto:rickard\.blom@haninge\.se\?subject=Inbjudan%3A%20Ledningsgruppen/);
	expect(decodeURIComponent(mailto!.split('&body=')[1])).toBe(text.split('\n\n').slice(1).join('\n\n'));

	// The calendar file, parsed back.
	const [download] = await Promise.all([
		page.waitForEvent('download'),
		rickard.getByRole('link', { name: 'Kalenderfil för Rickard Blom (.ics)' }).click()
	]);
	expect(download.suggestedFilename()).toBe('Rickard-Blom.ics');
	const calendar = new ICAL.Component(ICAL.parse(readFileSync((await download.path())!, 'utf8')));
	const event = new ICAL.Event(calendar.getFirstSubcomponent('vevent')!);
	expect(event.summary).toBe('Ledningsgruppen');
	expect(event.startDate.toJSDate().toISOString()).toBe('2026-12-01T08:00:00.000Z');
	expect(event.endDate.toJSDate().toISOString()).toBe('2026-12-01T10:00:00.000Z');
	expect(event.location).toBe('Stadshuset, rum 3 · https://teams.microsoft.com/l/meetup-join/lg-dec');
	expect(event.description).toContain('Du deltar endast i punkt 3.');
	expect(String(event.component.getFirstPropertyValue('url'))).toContain(link!);

	// The link works and names the person: the invitation is theirs, as a member.
	const token = link!.split('#token=')[1];
	const id = link!.split('/m/')[1].split('#')[0];
	const me = await page.request.get(`/api/meetings/${id}`, { headers: { authorization: `Bearer ${token}` } });
	expect(await me.json()).toMatchObject({ role: 'member', name: 'Rickard Blom' });
	await expectNoAxeViolations(page, 'invitations with letters');
	await context.close();
});

/** The polite live region of the room (the last one on the page). */
const announced = (page: Page) => page.locator('[aria-live="polite"]').last();

test('the chair runs the meeting by keyboard alone; focus is placed after every action and a member hears each change', async ({ browser }) => {
	const chairContext = await newContext(browser);
	const chair = await chairContext.newPage();
	const meeting = await createMeetingViaStartPage(chair, 'Styrgrupp tangentbord');
	await expectReady(chair);
	for (const title of ['Välkommen', 'Budget', 'Övriga frågor']) {
		await chair.getByLabel('Ny punkt').fill(title);
		await chair.getByLabel('Ny punkt').press('Enter');
	}
	const today = await chair.evaluate(() => {
		const now = new Date();
		return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
	});
	await chair.locator('#h-date').fill(today);
	await chair.locator('#h-date').press('Tab');
	await expectSaved(chair);

	const invited = await chair.request.post(`/api/meetings/${meeting.id}/invitations`, {
		headers: { authorization: `Bearer ${meeting.token}` },
		data: { name: 'Lena Nyström', role: 'member' }
	});
	const memberToken = ((await invited.json()) as { token: string }).token;
	const memberContext = await newContext(browser);
	const member = await memberContext.newPage();
	await openMeeting(member, { id: meeting.id, token: memberToken });

	// On the meeting's day the chair lands on the live controls, with "Öppna mötet".
	await chair.reload();
	await expectReady(chair);
	await expect(tab(chair, 'Punkt')).toHaveAttribute('aria-selected', 'true');
	await expect(chair.getByRole('button', { name: 'Öppna mötet' })).toBeVisible();
	await expect(chair.getByText('Kortkommandon')).toBeVisible();
	await expect(chair.getByText('2 anslutna')).toBeVisible();

	// Öppna mötet starts item 1; focus on "Nästa punkt"; "Föregående punkt" can do nothing yet.
	await chair.keyboard.press('Alt+Shift+O');
	await expect(chair.getByTestId('current-item')).toHaveText('Nu: 1. Välkommen');
	await expect(chair.getByRole('button', { name: 'Nästa punkt' })).toBeFocused();
	await expect(chair.getByRole('button', { name: 'Föregående punkt' })).toBeDisabled();
	await expect(announced(member)).toHaveText('Mötet har öppnats. Nu: 1. Välkommen');

	// A member opening the meeting on a phone while it runs lands on the current item, not the details form.
	const phoneContext = await newContext(browser, { width: 390, height: 844 });
	const phone = await phoneContext.newPage();
	await openMeeting(phone, { id: meeting.id, token: memberToken });
	await expect(tab(phone, 'Punkt')).toHaveAttribute('aria-selected', 'true');
	await expect(phone.getByRole('heading', { name: '1. Välkommen', level: 2 })).toBeInViewport();
	await expect(phone.locator('#h-date')).toBeHidden();
	await expectNoAxeViolations(phone, 'live room, member on a phone (390 px)');
	await phoneContext.close();

	await chair.keyboard.press('Enter');
	await expect(chair.getByTestId('current-item')).toHaveText('Nu: 2. Budget');
	await expect(chair.getByRole('button', { name: 'Nästa punkt' })).toBeFocused();
	await expect(announced(member)).toHaveText('Nu: 2. Budget');

	// Back to item 1: "Föregående" can go no further, so focus moves on to "Nästa punkt".
	await chair.keyboard.press('Alt+Shift+P');
	await expect(chair.getByTestId('current-item')).toHaveText('Nu: 1. Välkommen');
	await expect(chair.getByRole('button', { name: 'Föregående punkt' })).toBeDisabled();
	await expect(chair.getByRole('button', { name: 'Nästa punkt' })).toBeFocused();
	await expect(announced(member)).toHaveText('Nu: 1. Välkommen');
	await chair.keyboard.press('Alt+Shift+N');
	await expect(chair.getByTestId('current-item')).toHaveText('Nu: 2. Budget');

	// A break and its end, each focusing the control that undoes it.
	await chair.keyboard.press('Alt+Shift+B');
	await expect(chair.getByRole('button', { name: 'Avsluta pausen' })).toBeFocused();
	await expect(announced(member)).toHaveText('Kort paus.');
	// Ten minutes by default, counted down for everyone.
	await expect(member.getByTestId('break-countdown')).toHaveText('Kort paus pågår – 10 min kvar.');
	await chair.keyboard.press('Enter');
	await expect(chair.getByRole('button', { name: 'Kort paus' })).toBeFocused();
	await expect(announced(member)).toHaveText('Pausen är slut. Nu: 2. Budget');

	// Table the current item through its confirmation, by Tab and Enter.
	const tableButton = chair.getByRole('button', { name: 'Bordlägg punkt 2' });
	for (let i = 0; i < 25 && !(await tableButton.evaluate((el) => el === document.activeElement)); i++) await chair.keyboard.press('Tab');
	await expect(tableButton).toBeFocused();
	await chair.keyboard.press('Enter');
	await chair.keyboard.press('Tab');
	await expect(chair.getByLabel('Skäl')).toBeFocused();
	await chair.keyboard.type('Underlag saknas');
	await chair.keyboard.press('Enter');
	await expect(chair.getByTestId('current-item')).toHaveCount(0);
	await expect(chair.getByRole('button', { name: 'Nästa punkt' })).toBeFocused();
	await expect(announced(member)).toHaveText('Ingen punkt pågår.');

	await chair.keyboard.press('Enter');
	await expect(chair.getByTestId('current-item')).toHaveText('Nu: 3. Övriga frågor');
	await expect(announced(member)).toHaveText('Nu: 3. Övriga frågor');

	// Close the meeting through its confirmation; focus lands on what says it is closed.
	const closeButton = chair.getByRole('button', { name: 'Avsluta mötet', exact: true });
	for (let i = 0; i < 25 && !(await closeButton.evaluate((el) => el === document.activeElement)); i++) await chair.keyboard.press('Tab');
	await expect(closeButton).toBeFocused();
	await chair.keyboard.press('Enter');
	await chair.keyboard.press('Tab');
	await chair.keyboard.press('Tab');
	await expect(chair.getByRole('button', { name: 'Avsluta mötet nu' })).toBeFocused();
	await chair.keyboard.press('Enter');
	await expect(chair.locator('#chair-closed')).toBeFocused();
	await expect(announced(member)).toHaveText('Mötet är avslutat.');
	await expect(announced(chair)).toHaveText('Mötet är avslutat.');
	await expectNoAxeViolations(chair, 'closed meeting, chair');
	await chairContext.close();
	await memberContext.close();
});

test('time in whole minutes: overtime in words, the planned end against the agenda, the break counted down; axe in light and dark', async ({ browser }) => {
	const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE', serviceWorkers: 'block', timezoneId: 'Europe/Stockholm' });
	// The meeting's clock: two minutes before a 13:00–13:30 meeting, moved on by the test.
	await context.clock.install({ time: new Date('2026-12-01T12:58:00+01:00') });
	const page = await context.newPage();
	await createMeetingViaStartPage(page, 'Styrgrupp tid');
	await expectReady(page);
	await expect(page.getByText('1 ansluten', { exact: true })).toBeVisible();
	// Stay on the agenda while it is filled in (on the day the chair would otherwise land on the live controls).
	await tab(page, 'Dagordning').click();
	for (const [selector, value] of [
		['#h-date', '2026-12-01'],
		['#h-start', '13:00'],
		['#h-end', '13:30']
	] as const) {
		await page.locator(selector).fill(value);
		await page.locator(selector).press('Tab');
	}
	for (const [title, minutes] of [
		['Budget', '10'],
		['Lokalfrågan', '15'],
		['Övriga frågor', '10']
	] as const) {
		await page.getByLabel('Ny punkt').fill(title);
		await page.getByLabel('Ny punkt').press('Enter');
		const number = (await page.getByTestId('agenda-list').locator(':scope > li').count()).toString();
		await page.getByRole('button', { name: `Redigera ${number}. ${title}` }).click();
		await page.getByLabel('Planerad tid (min)').fill(minutes);
		await page.getByLabel('Planerad tid (min)').press('Tab');
		await page.getByRole('button', { name: `Redigera ${number}. ${title}` }).click();
	}
	// 35 planned minutes from 13:00 run 5 past the planned end: said in words.
	await expect(page.locator('#panel-agenda').getByTestId('time-plan')).toContainText('Planerat slut 13:30 · dagordningen räcker till 13:35');
	await expect(page.locator('#panel-agenda').getByTestId('time-plan-overrun')).toHaveText('Dagordningen går 5 min över planerat slut.');

	await tab(page, 'Punkt').click();
	await page.getByRole('button', { name: 'Öppna mötet' }).click();
	await expect(page.getByTestId('current-timer')).toHaveText('0 av 10 min');
	await expect(page.getByTestId('current-overtime')).toHaveCount(0);

	// Twelve minutes on a ten-minute item: the same minutes everywhere, and over time in words.
	await page.clock.fastForward('12:00');
	await expect(page.getByTestId('current-timer')).toHaveText('12 av 10 min');
	await expect(page.getByTestId('current-overtime')).toHaveText('2 min över tiden');
	await expect(page.getByTestId('item-time')).toHaveText('Tid: 12 av 10 min');
	await expect(page.getByTestId('item-overtime')).toHaveText('2 min över tiden');
	await expect(page.getByRole('navigation', { name: 'Dagordningens punkter' }).getByRole('button', { name: /^1\. Budget/ })).toContainText('12 av 10 min · 2 min över tiden');
	// Item 1 has nothing left; 25 minutes ahead from 13:10.
	await expect(page.locator('#panel-item').getByTestId('time-plan')).toContainText('Planerat slut 13:30 · dagordningen räcker till 13:35');
	await expect(page.locator('#panel-item').getByTestId('time-plan-overrun')).toHaveText('Dagordningen går 5 min över planerat slut.');
	await expectNoAxeViolations(page, 'over time, light');
	await page.emulateMedia({ colorScheme: 'dark' });
	await expectNoAxeViolations(page, 'over time, dark');
	await page.emulateMedia({ colorScheme: 'light' });

	// The break counts down in the same minutes, then says how far over it is.
	await page.getByLabel('Pausens längd (min)').fill('5');
	await page.getByRole('button', { name: 'Kort paus' }).click();
	await expect(page.getByTestId('break-countdown')).toHaveText('Kort paus pågår – 5 min kvar.');
	await page.clock.fastForward('07:00');
	await expect(page.getByTestId('break-countdown')).toHaveText('Kort paus pågår – 2 min över den planerade tiden.');
	await expectNoAxeViolations(page, 'break over time, light');
	await page.emulateMedia({ colorScheme: 'dark' });
	await expectNoAxeViolations(page, 'break over time, dark');
	await context.close();
});

test('dark mode and 320 px: every tab is reachable and axe finds nothing, in both themes', async ({ browser }) => {
	const context = await browser.newContext({ viewport: { width: 320, height: 640 }, locale: 'sv-SE', serviceWorkers: 'block', colorScheme: 'dark' });
	const page = await context.newPage();
	await createMeetingViaStartPage(page, 'Mörkt möte');
	await expectReady(page);
	await page.getByLabel('Ny punkt').fill('Välkommen');
	await page.getByLabel('Ny punkt').press('Enter');
	await tab(page, 'Deltagare').click();
	await page.getByLabel('Lista med deltagare').fill('Maria Holm\tHaninge\tOrdförande\tmaria@haninge.se\nSven Ek, Tyresö, ledamot, sven@@tyreso');
	await page.getByRole('button', { name: 'Granska listan' }).click();
	await expect(page.getByText('"sven@@tyreso" ser inte ut som en e-postadress.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Lägg till 2 deltagare' })).toBeDisabled();
	await page.getByLabel('E-post').last().fill('sven@tyreso.se');
	await page.getByRole('button', { name: 'Lägg till 2 deltagare' }).click();
	await expect(page.getByTestId('presence')).toContainText('(du)');

	// The device's preference is followed: dark surfaces.
	const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
	expect(await background()).toBe('rgb(18, 20, 23)');
	for (const name of ['Dagordning', 'Punkt', 'Deltagare', 'Parkering']) {
		const box = await tab(page, name).boundingBox();
		expect(box, name).not.toBeNull();
		expect(box!.x + box!.width, `${name} fits in 320 px`).toBeLessThanOrEqual(320);
		await tab(page, name).click();
		await expectNoAxeViolations(page, `${name}, dark, 320 px`);
	}
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

	// The switch overrides the device: light, and still clean.
	await page.getByLabel('Färgtema').selectOption('light');
	expect(await background()).toBe('rgb(246, 247, 249)');
	await expectNoAxeViolations(page, 'Deltagare/Parkering, light, 320 px');
	await page.reload();
	await expectReady(page);
	expect(await background()).toBe('rgb(246, 247, 249)');
	await page.getByLabel('Färgtema').selectOption('dark');

	// The statement, linked from the footer of every page.
	await page.getByRole('link', { name: 'Tillgänglighetsredogörelse' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Tillgänglighetsredogörelse');
	await expectNoAxeViolations(page, 'accessibility statement, dark, 320 px');
	await page.goto('/');
	await expect(page.getByRole('link', { name: 'Tillgänglighetsredogörelse' })).toBeVisible();
	await expectNoAxeViolations(page, 'start page, dark, 320 px');
	await context.close();
});
