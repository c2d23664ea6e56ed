import { describe, expect, it } from 'vitest';
import { NoticeError, appealEndsOn, checkNotice, earliestTakeDown, swedishDate } from './notice.js';

describe('notice of approved minutes (anslag)', () => {
	it('the appeal period ends three weeks after posting, past a weekend', () => {
		expect(appealEndsOn('2023-06-12')).toBe('2023-07-03');
		expect(appealEndsOn('2023-06-16')).toBe('2023-07-07');
		// Posted on a Saturday: three weeks later is a Saturday, so the period runs to Monday.
		expect(appealEndsOn('2023-06-10')).toBe('2023-07-03');
		expect(earliestTakeDown('2023-06-12')).toBe('2023-07-04');
	});

	it('checks the dates against the approval day and where the minutes are kept', () => {
		const ok = { postedOn: '2023-06-12', takeDownOn: '2023-07-04', keptAt: ' Stadsbyggnadskontoret ' };
		expect(checkNotice(ok, '2023-06-12')).toEqual({ ...ok, keptAt: 'Stadsbyggnadskontoret' });
		const refused = (value: unknown, approvedOn = '2023-06-12') => {
			try {
				checkNotice(value, approvedOn);
			} catch (error) {
				return error instanceof NoticeError ? error.field : 'other';
			}
			return null;
		};
		expect(refused({ ...ok, takeDownOn: '2023-07-03' })).toBe('takeDownOn');
		expect(refused(ok, '2023-06-13')).toBe('postedOn');
		expect(refused({ ...ok, postedOn: '2023-02-30' })).toBe('postedOn');
		expect(refused({ ...ok, keptAt: '  ' })).toBe('keptAt');
		expect(refused('anslag')).toBe('notice');
	});

	it('takes the approval day in Swedish time', () => {
		expect(swedishDate('2023-06-11T22:30:00.000Z')).toBe('2023-06-12');
	});
});
