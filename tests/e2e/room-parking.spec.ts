/** Removing with undo, tabling an item to an extra meeting, and the parking lot's resolve/reopen. */
import { expect, test } from '@playwright/test';
import { createMeetingViaStartPage, expectNoAxeViolations, expectReady, expectSaved, newContext, tab } from './room/helpers';

test('remove an item and undo, table an item, resolve and reopen it in the parking lot', async ({ browser }) => {
	const context = await newContext(browser);
	const page = await context.newPage();
	await createMeetingViaStartPage(page, 'Samverkansgrupp parkering');
	await expectReady(page);
	for (const title of ['Välkommen', 'Arbetsmiljöverkets inspektion', 'Övriga frågor']) {
		await page.getByLabel('Ny punkt').fill(title);
		await page.getByLabel('Ny punkt').press('Enter');
	}
	const titles = page.getByTestId('agenda-list').locator(':scope > li .title');

	await page.getByRole('button', { name: 'Ta bort 3. Övriga frågor' }).click();
	await expect(titles).toHaveText(['1. Välkommen', '2. Arbetsmiljöverkets inspektion']);
	await page.getByTestId('undo-remove').getByRole('button', { name: 'Ångra' }).click();
	await expect(titles).toHaveText(['1. Välkommen', '2. Arbetsmiljöverkets inspektion', '3. Övriga frågor']);

	await tab(page, 'Punkt').click();
	await page.getByRole('button', { name: 'Öppna mötet' }).click();
	await page.getByRole('button', { name: 'Nästa punkt' }).click();
	await expect(page.getByTestId('current-item')).toHaveText('Nu: 2. Arbetsmiljöverkets inspektion');
	const itemPanel = page.getByRole('tabpanel', { name: 'Punkt' });
	await itemPanel.getByRole('button', { name: 'Bordlägg punkt 2' }).click();
	await itemPanel.getByLabel('Skäl').fill('Underlaget kom inte ut i tid');
	await itemPanel.getByLabel('Vart den ska').selectOption({ label: 'Extrainsatt möte' });
	await itemPanel.getByLabel('Datum').fill('2023-06-20');
	await itemPanel.getByRole('button', { name: 'Bordlägg', exact: true }).click();
	await expect(page.getByTestId('item-pane')).toContainText('Bordlagd');
	await expect(page.getByTestId('current-item')).toHaveCount(0);

	await tab(page, 'Parkering').click();
	const open = page.getByTestId('parking-open');
	await expect(open).toContainText('Arbetsmiljöverkets inspektion');
	await expect(open).toContainText('Till: Extrainsatt möte 2023-06-20');
	await expect(open).toContainText('Skäl: Underlaget kom inte ut i tid');
	await expectNoAxeViolations(page, 'parking lot with a tabled item');
	await open.getByRole('button', { name: 'Markera som hanterad' }).click();
	await expect(page.getByText('Inget parkerat.')).toBeVisible();
	await page.getByRole('button', { name: 'Öppna igen' }).click();
	await expect(open).toContainText('Arbetsmiljöverkets inspektion');
	await expectSaved(page);
	await context.close();
});
