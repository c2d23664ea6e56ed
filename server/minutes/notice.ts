/**
 * The notice of the approved minutes (anslag). Approved meetings are frozen (their
 * document takes no writes), so the notice is stored beside the approval records. Only
 * the organiser records it, and only once the minutes are approved; the dates are checked
 * by src/lib/minutes/notice.ts (posted on or after the approval day, taken down no earlier
 * than the day after the three-week appeal period). Routes: server/http/minutes.ts.
 */
import { NoticeError, appealEndsOn, checkNotice, swedishDate } from '../../src/lib/minutes/notice.ts';
import type { NoticeState, ValidBody } from '../../src/lib/protocol/api.ts';
import { can } from '../../src/lib/protocol/roles.ts';
import { DomainError } from '../shared/errors.ts';
import type { MeetingRecord, MeetingStorage, NoticeRecord } from '../storage/types.ts';

function stateOf(notice: NoticeRecord | null): NoticeState {
	return { notice, appealEndsOn: notice ? appealEndsOn(notice.postedOn) : null };
}

export function createNoticeService(storage: MeetingStorage) {
	async function get(meeting: MeetingRecord): Promise<NoticeState> {
		return stateOf(await storage.notices.getNotice(meeting.id));
	}

	/** Records the notice as `recorder` (the invitee's name, or the role); the dates are checked here. */
	async function record(meeting: MeetingRecord, recorder: { role: string; name: string }, body: ValidBody<'recordNotice'>): Promise<NoticeState> {
		if (!can(recorder.role, 'minutes.notice')) throw new DomainError('forbidden', 'Only the organiser records the notice of the minutes');
		const seal = await storage.minutes.getSeal(meeting.id);
		const approvedAt = seal?.approvedAt ?? meeting.frozenAt;
		if (!approvedAt) throw new DomainError('conflict', 'The minutes are not approved yet');
		let input;
		try {
			input = checkNotice(body, swedishDate(approvedAt));
		} catch (error) {
			if (error instanceof NoticeError) throw new DomainError('invalid', error.message);
			throw error;
		}
		const notice: NoticeRecord = {
			meetingId: meeting.id,
			...input,
			recordedBy: recorder.name || recorder.role,
			recordedAt: new Date().toISOString()
		};
		await storage.notices.setNotice(notice);
		return stateOf(notice);
	}

	return { get, record };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
