/**
 * The foundation's first UI: two browsers edit one meeting live, the status says
 * "Sparat" once the server stored an edit, and the start page and meeting page pass axe.
 */
import { expect, test } from '@playwright/test';
import { createMeetingViaStartPage, expectNoAxeViolations, expectReady, expectSaved, newContext, openMeeting, PHONE } from './room/helpers';

test('two contexts see each other’s agenda edits live, and the status says Sparat', async ({ browser }) => {
	const a = await newContext(browser);
	const b = await newContext(browser, PHONE);
	const pageA = await a.newPage();
	const pageB = await b.newPage();

	await pageA.goto('/');
	await expectNoAxeViolations(pageA, 'start page');
	const meeting = await createMeetingViaStartPage(pageA, 'Samverkansgrupp 12 maj');
	await expectReady(pageA);
	// The token left the address bar but the meeting stays open after a reload.
	expect(pageA.url()).not.toContain('token=');
	await expect(pageA.getByRole('heading', { level: 1 })).toHaveText('Samverkansgrupp 12 maj');

	await openMeeting(pageB, meeting);
	await expect(pageB.getByRole('heading', { level: 1 })).toHaveText('Samverkansgrupp 12 maj');

	await pageA.getByLabel('Ny punkt').fill('Välkommen');
	await pageA.getByRole('button', { name: 'Lägg till punkt' }).click();
	await expect(pageB.getByTestId('agenda-list')).toContainText('1. Välkommen');
	await expectSaved(pageA);

	await pageB.getByLabel('Ny punkt').fill('Val av justerare');
	await pageB.getByRole('button', { name: 'Lägg till punkt' }).click();
	await expect(pageA.getByTestId('agenda-list')).toContainText('2. Val av justerare');
	await expectSaved(pageB);

	// Notes typed in one context appear in the other.
	await pageA.getByRole('button', { name: 'Visa 1. Välkommen' }).first().click();
	await pageA.getByRole('textbox', { name: 'Anteckningar' }).fill('Ordföranden hälsar alla välkomna.');
	await pageB.getByRole('button', { name: 'Visa 1. Välkommen' }).first().click();
	await expect(pageB.getByRole('textbox', { name: 'Anteckningar' })).toHaveValue('Ordföranden hälsar alla välkomna.');
	await expectSaved(pageA);

	await expectNoAxeViolations(pageA, 'meeting page (item, laptop)');
	await expectNoAxeViolations(pageB, 'meeting page (item, phone)');

	await pageA.reload();
	await expectReady(pageA);
	await expect(pageA.getByRole('heading', { level: 1 })).toHaveText('Samverkansgrupp 12 maj');
	await expect(pageA.getByTestId('agenda-list')).toContainText('2. Val av justerare');
	await expectNoAxeViolations(pageA, 'meeting page (agenda, laptop)');

	await a.close();
	await b.close();
});

test('two people typing in the same notes at once keep their own caret', async ({ browser }) => {
	const a = await newContext(browser);
	const b = await newContext(browser, PHONE);
	const pageA = await a.newPage();
	const pageB = await b.newPage();
	const meeting = await createMeetingViaStartPage(pageA, 'Samtidigt skrivande');
	await expectReady(pageA);
	await pageA.getByLabel('Ny punkt').fill('Diskussion');
	await pageA.getByLabel('Ny punkt').press('Enter');
	await openMeeting(pageB, meeting);
	for (const page of [pageA, pageB]) {
		await page.getByRole('button', { name: 'Visa 1. Diskussion' }).first().click();
	}
	const notesA = pageA.getByRole('textbox', { name: 'Anteckningar' });
	const notesB = pageB.getByRole('textbox', { name: 'Anteckningar' });
	await notesA.fill('mitten');
	await expect(notesB).toHaveValue('mitten');

	// A types at the end, B at the start, interleaved keystroke by keystroke.
	await notesA.focus();
	await notesA.press('End');
	await notesB.focus();
	await notesB.press('Home');
	const tail = ' slut';
	const head = 'start ';
	for (let i = 0; i < Math.max(tail.length, head.length); i++) {
		if (i < tail.length) await pageA.keyboard.type(tail[i]);
		if (i < head.length) await pageB.keyboard.type(head[i]);
	}
	await expect(notesA).toHaveValue('start mitten slut');
	await expect(notesB).toHaveValue('start mitten slut');
	// B sees A typing in this item.
	await expect(pageB.getByTestId('typing')).toContainText('Skriver:');
	await expectSaved(pageA);
	await expectSaved(pageB);
	await a.close();
	await b.close();
});

test('a remote edit during IME composition neither breaks the composition nor is lost', async ({ browser }) => {
	const a = await newContext(browser);
	const b = await newContext(browser);
	const pageA = await a.newPage();
	const pageB = await b.newPage();
	const meeting = await createMeetingViaStartPage(pageA, 'Komposition');
	await expectReady(pageA);
	await pageA.getByLabel('Ny punkt').fill('Diskussion');
	await pageA.getByLabel('Ny punkt').press('Enter');
	await openMeeting(pageB, meeting);
	for (const page of [pageA, pageB]) await page.getByRole('button', { name: 'Visa 1. Diskussion' }).first().click();
	const notesA = pageA.getByRole('textbox', { name: 'Anteckningar' });
	const notesB = pageB.getByRole('textbox', { name: 'Anteckningar' });
	await notesA.fill('Beslut');
	await expect(notesB).toHaveValue('Beslut');

	await notesA.focus();
	await notesA.press('End');
	const cdp = await a.newCDPSession(pageA);
	await cdp.send('Input.imeSetComposition', { text: ' fatt', selectionStart: 5, selectionEnd: 5 });
	await cdp.send('Input.imeSetComposition', { text: ' fattat', selectionStart: 7, selectionEnd: 7 });
	// B edits the start while A is still composing: A's textarea must keep the composition.
	await notesB.focus();
	await notesB.press('Home');
	await pageB.keyboard.type('Nytt ');
	await expectSaved(pageB);
	// The server has passed B's edit on by now; A's textarea still shows its composition untouched.
	await pageA.waitForTimeout(300);
	expect(await notesA.inputValue()).toBe('Beslut fattat');
	await cdp.send('Input.insertText', { text: ' fattat' });
	await expect(notesA).toHaveValue('Nytt Beslut fattat');
	await expect(notesB).toHaveValue('Nytt Beslut fattat');
	await a.close();
	await b.close();
});
