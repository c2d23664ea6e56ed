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
