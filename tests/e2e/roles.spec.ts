/**
 * The meeting room by role, end to end: the organiser prepares a meeting and invites a
 * chair, a member and an observer through the invitation page; each opens their link in
 * their own browser context. The observer only reads, the member writes notes and checks
 * in without chair controls, the chair runs the meeting and the others follow. No page
 * may ever get a notice from the sync server (a refused edit, a dropped write): a
 * role-aware UI never attempts what the role may not do. axe on the readers' views.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createMeetingViaStartPage, expectNoAxeViolations, expectReady, expectSaved, newContext, PHONE, tab } from './room/helpers';

/** MESSAGE_NOTICE (src/lib/protocol): the first byte of every notice frame. */
const NOTICE_BYTE = 101;

/** Records every notice the sync server sends to this page (decoded from the frame). */
function watchNotices(page: Page): string[] {
	const notices: string[] = [];
	page.on('websocket', (socket) => {
		socket.on('framereceived', ({ payload }) => {
			if (typeof payload !== 'string' && payload[0] === NOTICE_BYTE) notices.push(payload.subarray(1).toString('utf8'));
		});
	});
	return notices;
}

async function openInvitation(browser: Browser, url: string, viewport?: typeof PHONE): Promise<{ page: Page; notices: string[] }> {
	const context = await newContext(browser, viewport);
	const page = await context.newPage();
	const notices = watchNotices(page);
	await page.goto(url);
	await expectReady(page);
	return { page, notices };
}

async function inviteParticipant(page: Page, name: string, role: string): Promise<string> {
	await page.getByLabel('Deltagare').selectOption({ label: name });
	await expect(page.getByLabel('Roll')).toHaveValue(role);
	await page.getByRole('button', { name: 'Skapa personlig länk' }).click();
	const result = page.getByTestId('invite-result');
	await expect(result.getByRole('heading')).toHaveText(`Länk till ${name}`);
	return result.getByLabel('Länk').inputValue();
}

/** Form fields of the meeting room (not the app's language switch) someone could type into or change, where visible. */
function editableFields(page: Page): Promise<string[]> {
	return page.getByTestId('meeting-room').evaluate((room) =>
		[...room.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>('input, textarea, select')]
			.filter((field) => field.checkVisibility() && !field.disabled && !('readOnly' in field && field.readOnly))
			.map((field) => field.id || field.outerHTML.slice(0, 80))
	);
}

test('observer reads, member writes notes, chair runs the meeting; everyone follows the chair and nothing is refused', async ({ browser }) => {
	const organiserContext = await newContext(browser);
	const organiser = await organiserContext.newPage();
	const organiserNotices = watchNotices(organiser);
	const meeting = await createMeetingViaStartPage(organiser, 'Ledningsgrupp med roller');
	await expectReady(organiser);
	for (const title of ['Välkommen', 'Val av justerare', 'Övriga frågor']) {
		await organiser.getByLabel('Ny punkt').fill(title);
		await organiser.getByLabel('Ny punkt').press('Enter');
	}
	await tab(organiser, 'Deltagare').click();
	for (const [name, role] of [
		['Rickard Ordförande', 'chair'],
		['Anna Ledamot', 'member'],
		['Olle Observatör', 'observer']
	]) {
		await organiser.locator('#p-name').fill(name);
		await organiser.locator('#p-role').selectOption(role);
		await organiser.getByRole('button', { name: 'Lägg till deltagare' }).click();
		await expect(organiser.getByTestId('participants')).toContainText(name);
	}
	await expectSaved(organiser);

	await organiser.goto(`/m/${meeting.id}/invite`);
	await expect(organiser.getByRole('heading', { level: 1 })).toContainText('Ledningsgrupp med roller');
	const chairLink = await inviteParticipant(organiser, 'Rickard Ordförande', 'chair');
	const memberLink = await inviteParticipant(organiser, 'Anna Ledamot', 'member');
	const observerLink = await inviteParticipant(organiser, 'Olle Observatör', 'observer');
	await expectNoAxeViolations(organiser, 'invitation page');
	await organiser.goto(`/m/${meeting.id}`);
	await expectReady(organiser);

	const observer = await openInvitation(browser, observerLink, PHONE);
	const member = await openInvitation(browser, memberLink);
	const chair = await openInvitation(browser, chairLink);

	// The observer: a clear read-only message, no chair controls, nothing to type into on any tab.
	await expect(observer.page.getByTestId('read-only')).toContainText('Du kan bara läsa');
	for (const name of ['Dagordning', 'Punkt', 'Deltagare', 'Parkering']) {
		await tab(observer.page, name).click();
		expect(await editableFields(observer.page), `editable fields for the observer on ${name}`).toEqual([]);
		await expect(observer.page.getByRole('heading', { name: 'Ordförandens styrning' })).toHaveCount(0);
		await expect(observer.page.getByRole('button', { name: /Checka in/ })).toHaveCount(0);
	}
	await expectNoAxeViolations(observer.page, 'observer, participants');

	// The member: no chair controls, no read-only message, writes notes and checks in as the invited person.
	await expect(member.page.getByTestId('read-only')).toHaveCount(0);
	await tab(member.page, 'Punkt').click();
	await expect(member.page.getByRole('heading', { name: 'Ordförandens styrning' })).toHaveCount(0);
	await expect(member.page.getByRole('button', { name: 'Öppna mötet' })).toHaveCount(0);
	await tab(member.page, 'Deltagare').click();
	await expect(member.page.getByRole('button', { name: 'Lägg till deltagare' })).toHaveCount(0);
	// The roster is the record: a member edits and removes nobody (the server would refuse it).
	await expect(member.page.getByRole('button', { name: 'Redigera Anna Ledamot' })).toHaveCount(0);
	await expect(member.page.getByRole('button', { name: 'Ta bort Anna Ledamot' })).toHaveCount(0);
	await member.page.getByRole('button', { name: 'Checka in i rummet' }).click();
	await expect(member.page.getByTestId('checked-in')).toContainText('Anna Ledamot är incheckad');
	await expectSaved(member.page);
	await expectNoAxeViolations(member.page, 'member, participants');
	// Presence names the invited person, with no choice made on the device.
	await tab(chair.page, 'Deltagare').click();
	await expect(chair.page.getByTestId('presence')).toContainText('Anna Ledamot');
	await expect(chair.page.getByTestId('presence')).toContainText('Rickard Ordförande');

	// The chair opens the meeting and moves the current item; the others follow.
	await tab(chair.page, 'Punkt').click();
	await expect(chair.page.getByRole('heading', { name: 'Ordförandens styrning' })).toBeVisible();
	await chair.page.getByRole('button', { name: 'Öppna mötet' }).click();
	await expect(chair.page.getByTestId('current-item')).toContainText('1. Välkommen');
	for (const reader of [member.page, observer.page]) await expect(reader.getByTestId('current-item')).toContainText('1. Välkommen');

	await tab(member.page, 'Punkt').click();
	await tab(observer.page, 'Punkt').click();
	const memberNotes = member.page.getByRole('textbox', { name: 'Anteckningar' });
	await expect(memberNotes).toBeEditable();
	await memberNotes.fill('Ordföranden hälsar alla välkomna.');
	await expectSaved(member.page);
	await expect(observer.page.getByRole('textbox', { name: 'Anteckningar' })).toHaveValue('Ordföranden hälsar alla välkomna.');
	await expect(observer.page.getByRole('textbox', { name: 'Anteckningar' })).not.toBeEditable();
	await expect(chair.page.getByRole('textbox', { name: 'Anteckningar' })).toHaveValue('Ordföranden hälsar alla välkomna.');

	await chair.page.getByRole('button', { name: 'Nästa punkt' }).click();
	// The member was just typing in item 1: the view stays there with an offer to follow,
	// and follows by itself once the member leaves the notes and is idle.
	await expect(member.page.getByTestId('chair-elsewhere')).toContainText('Ordföranden är på 2. Val av justerare.');
	await memberNotes.blur();
	for (const page of [chair.page, member.page, observer.page]) {
		await expect(page.getByTestId('current-item')).toContainText('2. Val av justerare');
		await expect(page.getByRole('heading', { level: 2, name: '2. Val av justerare' })).toBeVisible();
	}
	await expectSaved(chair.page);

	await expectNoAxeViolations(member.page, 'member, item');
	await expectNoAxeViolations(observer.page, 'observer, item');
	expect(await editableFields(observer.page), 'editable fields for the observer during the meeting').toEqual([]);

	// Nobody was refused or told their edits are dropped, and every connection is still up.
	expect(observer.notices).toEqual([]);
	expect(member.notices).toEqual([]);
	expect(chair.notices).toEqual([]);
	expect(organiserNotices).toEqual([]);
	for (const page of [organiser, chair.page, member.page, observer.page]) {
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-connection', 'online');
		await expect(page.getByTestId('forbidden')).toHaveCount(0);
	}
	await browser.contexts().reduce((done, context) => done.then(() => context.close()), Promise.resolve());
});
