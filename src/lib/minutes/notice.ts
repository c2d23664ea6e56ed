/**
 * The notice of the approved minutes (anslag) and its dates. After justering the
 * organiser records when the notice went up on the official notice board; the appeal
 * period (laglighetsprövning, kommunallagen 13 kap. 5 §) runs three weeks from that day,
 * and the notice may not come down before it has ended. A period that ends on a Saturday
 * or Sunday runs to the next Monday (lagen om beräkning av lagstadgad tid); public
 * holidays are not counted here and must be checked by hand.
 *
 * Plain TypeScript without Paraglide: the server validates with `checkNotice`; the printed
 * block ("Bevis om anslag") is `noticeBlock` in formal.ts.
 */

/** What the organiser records. */
export interface NoticeInput {
	/** YYYY-MM-DD the notice went up. */
	postedOn: string;
	/** YYYY-MM-DD it comes down: no earlier than the end of the appeal period. */
	takeDownOn: string;
	/** Where the minutes are kept (förvaringsplats), e.g. "Stadsbyggnadskontoret, Storgatan 1". */
	keptAt: string;
}

/** The stored notice, as the server answers it. */
export interface NoticeRecord extends NoticeInput {
	meetingId: string;
	/** Who recorded it (the token's name) and when (ISO time). */
	recordedBy: string;
	recordedAt: string;
}

export class NoticeError extends Error {
	constructor(
		readonly field: keyof NoticeInput | 'notice',
		message: string
	) {
		super(message);
		this.name = 'NoticeError';
	}
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: unknown, field: keyof NoticeInput): Date {
	const match = typeof value === 'string' ? DATE.exec(value) : null;
	const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
	if (!date || toIso(date) !== value) throw new NoticeError(field, `${field} must be a date YYYY-MM-DD`);
	return date;
}

function addDays(date: Date, days: number): Date {
	return new Date(date.getTime() + days * 86_400_000);
}

function toIso(date: Date): string {
	return date.toISOString().slice(0, 10);
}

/** The calendar day in Sweden of an instant (approval times are stored in UTC). */
export function swedishDate(instant: string): string {
	return new Intl.DateTimeFormat('sv-SE', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'Europe/Stockholm' }).format(
		new Date(instant)
	);
}

/** The last day of the appeal period: three weeks after the notice went up, moved past a weekend. */
export function appealEndsOn(postedOn: string): string {
	let end = addDays(parseDate(postedOn, 'postedOn'), 21);
	while (end.getUTCDay() === 6 || end.getUTCDay() === 0) end = addDays(end, 1);
	return toIso(end);
}

/** The first day the notice may come down: the day after the appeal period ends. */
export function earliestTakeDown(postedOn: string): string {
	return toIso(addDays(parseDate(appealEndsOn(postedOn), 'postedOn'), 1));
}

/**
 * Checks a notice against the meeting: posted on or after the approval date, taken down
 * no earlier than the day after the appeal period ends. Returns the cleaned input.
 */
export function checkNotice(value: unknown, approvedOn: string): NoticeInput {
	if (typeof value !== 'object' || value === null) throw new NoticeError('notice', 'the notice must be an object');
	const record = value as Record<string, unknown>;
	const posted = parseDate(record.postedOn, 'postedOn');
	parseDate(record.takeDownOn, 'takeDownOn');
	const postedOn = record.postedOn as string;
	const takeDownOn = record.takeDownOn as string;
	if (toIso(posted) < approvedOn) throw new NoticeError('postedOn', `the notice cannot go up before the minutes were approved (${approvedOn})`);
	const earliest = earliestTakeDown(postedOn);
	if (takeDownOn < earliest) throw new NoticeError('takeDownOn', `the notice may come down on ${earliest} at the earliest`);
	const keptAt = typeof record.keptAt === 'string' ? record.keptAt.trim() : '';
	if (keptAt.length === 0 || keptAt.length > 500) throw new NoticeError('keptAt', 'keptAt must say where the minutes are kept (at most 500 characters)');
	return { postedOn, takeDownOn, keptAt };
}
