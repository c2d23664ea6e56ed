/**
 * Justering: the secretary marks the minutes ready — which fixes who must approve, stored on
 * the server, so later changes to the roster cannot add or drop an approver until a new
 * 'ready' —, the adjusters (and for a protokoll the chair) approve, and the last approval
 * freezes the meeting:
 *
 * 1. the room in this process turns read-only and its accepted updates are stored;
 * 2. the meeting is frozen in storage (`frozenAt`): from then on every instance's appends
 *    are refused, so nothing can land between the read below and the seal;
 * 3. the stored document is loaded and fingerprinted (canonical export + Yjs snapshot,
 *    src/lib/minutes/canonical.ts);
 * 4. the seal is stored. A process that stopped between 2 and 4 leaves a frozen meeting
 *    without a seal; the next read of the approval state completes it.
 *
 * Verification loads the stored document again and recomputes both fingerprints. A
 * correction is a new meeting whose document is a copy of the frozen one.
 * Design and what is hashed: docs/minutes.md.
 */
import * as Y from 'yjs';
import { readMeeting, type MeetingView } from '../../src/lib/meeting/index.ts';
import { approversOf } from '../../src/lib/minutes/approvers.ts';
import { CANONICAL_FORMAT, fingerprint, stateFingerprint } from '../../src/lib/minutes/canonical.ts';
import { setPreviousVersionId } from '../../src/lib/minutes/versions.ts';
import type { ApprovalEntry, ApprovalState } from '../../src/lib/minutes/types.ts';
import type { ValidBody, VerifyResult } from '../../src/lib/protocol/api.ts';
import { DomainError } from '../shared/errors.ts';
import { foldUpdates, loadDocument } from '../storage/document-log.ts';
import { hashToken, newMeetingId, newToken } from '../auth/tokens.ts';
import type { ApprovalRecord, MeetingRecord, MeetingStorage, RequiredApprover } from '../storage/types.ts';
import { type Actor, mayAct } from './roles.ts';

export interface ApprovalDeps {
	storage: MeetingStorage;
	/** Makes the meeting read-only in the sync rooms and waits until accepted updates are stored. */
	freezeRoom(meetingId: string): Promise<void>;
}

const loadDoc = (storage: MeetingStorage, meetingId: string): Promise<Y.Doc> => loadDocument(storage.docs, meetingId);

function toEntry(record: ApprovalRecord): ApprovalEntry {
	return {
		participantId: record.participantId,
		name: record.name,
		role: record.role as ApprovalEntry['role'],
		at: record.at
	};
}

/** Who has to approve according to the document now (src/lib/minutes/approvers.ts), as stored. */
function requiredApprovers(view: MeetingView): RequiredApprover[] {
	return approversOf(view).map((p) => ({ participantId: p.id, name: p.name, role: p.role as 'adjuster' | 'chair' }));
}

/** The participant a call acts as: the one named, or the only candidate. */
function pickParticipant<T extends { id: string }>(candidates: T[], participantId: string | null | undefined, what: string): T {
	if (participantId !== undefined && participantId !== null) {
		const chosen = candidates.find((p) => p.id === participantId);
		if (!chosen) throw new DomainError('invalid', `participantId is not ${what} of this meeting`);
		return chosen;
	}
	if (candidates.length === 1) return candidates[0];
	if (candidates.length === 0) throw new DomainError('conflict', `The meeting has no ${what}`);
	throw new DomainError('invalid', `participantId is required: the meeting has several ${what}s`);
}

export function createApprovalService(deps: ApprovalDeps) {
	const { storage } = deps;

	/** Who must approve: as fixed at 'ready'; for minutes marked ready before that was stored, as the document says. */
	async function requiredFor(meeting: MeetingRecord, view: MeetingView): Promise<RequiredApprover[]> {
		return (await storage.minutes.getRequiredApprovers(meeting.id)) ?? requiredApprovers(view);
	}

	async function state(meeting: MeetingRecord): Promise<ApprovalState> {
		if (meeting.frozenAt && !(await storage.minutes.getSeal(meeting.id))) await completeSeal(meeting, meeting.frozenAt);
		const doc = await loadDoc(storage, meeting.id);
		try {
			return stateOf(meeting, readMeeting(doc));
		} finally {
			doc.destroy();
		}
	}

	async function stateOf(meeting: MeetingRecord, view: MeetingView): Promise<ApprovalState> {
		const [records, seal, links, required] = await Promise.all([
			storage.minutes.listApprovals(meeting.id),
			storage.minutes.getSeal(meeting.id),
			storage.minutes.getVersionLinks(meeting.id),
			requiredFor(meeting, view)
		]);
		const ready = records.find((r) => r.action === 'ready') ?? null;
		const approvals = records.filter((r) => r.action === 'approve');
		const approvedIds = new Set(approvals.map((a) => a.participantId));
		return {
			ready: ready ? toEntry(ready) : null,
			approvals: (seal?.approvers ?? approvals).map(toEntry),
			pending: seal ? [] : required.filter((p) => !approvedIds.has(p.participantId)),
			frozenAt: meeting.frozenAt,
			approvedAt: seal?.approvedAt ?? null,
			fingerprint: seal?.fingerprint ?? null,
			previousVersionId: links.previousVersionId,
			nextVersionId: links.nextVersionId
		};
	}

	/** Freezes and seals once every required approver approved; a concurrent seal loses quietly. */
	async function sealIfComplete(meeting: MeetingRecord): Promise<void> {
		const required = await storage.minutes.getRequiredApprovers(meeting.id);
		if (!required) return;
		const records = (await storage.minutes.listApprovals(meeting.id)).filter((r) => r.action === 'approve');
		const approved = new Set(records.map((r) => r.participantId));
		if (required.length === 0 || !required.every((p) => approved.has(p.participantId))) return;

		await deps.freezeRoom(meeting.id);
		const approvedAt = new Date().toISOString();
		if (!(await storage.minutes.freezeMeeting(meeting.id, approvedAt))) return;
		await completeSeal(meeting, approvedAt);
	}

	/** Fingerprints the frozen stored document and stores the seal (steps 3 and 4 above). */
	async function completeSeal(meeting: MeetingRecord, approvedAt: string): Promise<void> {
		const required = (await storage.minutes.getRequiredApprovers(meeting.id)) ?? [];
		const records = (await storage.minutes.listApprovals(meeting.id)).filter((r) => r.action === 'approve');
		const doc = await loadDoc(storage, meeting.id);
		try {
			await storage.minutes.sealMinutes({
				meetingId: meeting.id,
				format: CANONICAL_FORMAT,
				fingerprint: await fingerprint(doc),
				stateHash: await stateFingerprint(doc),
				approvedAt,
				approvers: records.filter((r) => required.some((p) => p.participantId === r.participantId))
			});
		} finally {
			doc.destroy();
		}
	}

	async function act(meeting: MeetingRecord, actor: Actor, { action, participantId }: ValidBody<'approve'>): Promise<ApprovalState> {
		if (meeting.frozenAt) throw new DomainError('conflict', 'The minutes are already approved');

		const doc = await loadDoc(storage, meeting.id);
		let view: MeetingView;
		try {
			view = readMeeting(doc);
		} finally {
			doc.destroy();
		}
		const at = new Date().toISOString();
		if (action === 'ready') {
			if (!mayAct(actor, 'ready')) throw new DomainError('forbidden', 'Only the secretary marks the minutes ready');
			const secretaries = view.participants.filter((p) => p.role === 'secretary');
			const secretary = secretaries.length > 0 ? pickParticipant(secretaries, participantId, 'secretary') : null;
			await storage.minutes.addApproval({
				meetingId: meeting.id,
				action: 'ready',
				participantId: secretary?.id ?? null,
				role: 'secretary',
				name: secretary?.name ?? actor.role,
				at
			});
			await storage.minutes.setRequiredApprovers(meeting.id, requiredApprovers(view));
			return stateOf(meeting, view);
		}

		const records = await storage.minutes.listApprovals(meeting.id);
		if (!records.some((r) => r.action === 'ready')) throw new DomainError('conflict', 'The minutes are not marked ready for approval yet');
		const approved = new Set(records.filter((r) => r.action === 'approve').map((r) => r.participantId));
		const required = (await requiredFor(meeting, view)).map((p) => ({ id: p.participantId, name: p.name, role: p.role }));
		if (required.length === 0) throw new DomainError('conflict', 'The meeting has no adjuster');
		const allowed = required.filter((p) => mayAct(actor, 'approve', p));
		if (allowed.length === 0) throw new DomainError('forbidden', 'This token may not approve these minutes');
		const open = allowed.filter((p) => !approved.has(p.id));
		// Without a participantId the token approves as the one approver it can still act for.
		if (typeof participantId === 'string' && required.some((p) => p.id === participantId) && !allowed.some((p) => p.id === participantId)) {
			throw new DomainError('forbidden', 'This token may not approve as that participant');
		}
		const approver = pickParticipant(participantId === undefined && open.length > 0 ? open : allowed, participantId, 'approver');
		await storage.minutes.addApproval({ meetingId: meeting.id, action: 'approve', participantId: approver.id, role: approver.role, name: approver.name, at });
		await sealIfComplete(meeting);
		const current = (await storage.meetings.getMeeting(meeting.id)) ?? meeting;
		return state(current);
	}

	async function verify(meeting: MeetingRecord): Promise<VerifyResult> {
		const [seal, doc] = await Promise.all([storage.minutes.getSeal(meeting.id), loadDoc(storage, meeting.id)]);
		try {
			const current = await fingerprint(doc);
			if (!seal) {
				return { ok: false, fingerprint: null, currentFingerprint: current, approvedAt: null, approvers: [], reason: 'not-approved' };
			}
			const contentSame = current === seal.fingerprint;
			const stateSame = (await stateFingerprint(doc)) === seal.stateHash;
			return {
				ok: contentSame && stateSame,
				fingerprint: seal.fingerprint,
				currentFingerprint: current,
				approvedAt: seal.approvedAt,
				approvers: seal.approvers.map(toEntry),
				reason: !contentSame ? 'content-changed' : !stateSame ? 'document-changed' : null
			};
		} finally {
			doc.destroy();
		}
	}

	/**
	 * A new meeting whose document (and confidential part) is a copy of the frozen one, naming
	 * it as its previous version, and an organiser token for it (returned once).
	 */
	async function correct(meeting: MeetingRecord, actor: Actor): Promise<{ created: MeetingRecord; token: string }> {
		if (!mayAct(actor, 'correct')) throw new DomainError('forbidden', 'Only the secretary or the organiser starts a correction');
		if (!meeting.frozenAt) throw new DomainError('conflict', 'Only approved minutes are corrected by a new version; these can still be edited');
		const doc = await loadDoc(storage, meeting.id);
		try {
			setPreviousVersionId(doc, meeting.id);
			const created = await storage.minutes.createCorrection({
				id: newMeetingId(),
				title: meeting.title,
				previousId: meeting.id,
				update: Y.encodeStateAsUpdate(doc)
			});
			if (!created) {
				const { nextVersionId } = await storage.minutes.getVersionLinks(meeting.id);
				throw new DomainError('conflict', `These minutes already have a corrected version: ${nextVersionId}`);
			}
			// The confidential items' content goes with it, into the new version's own confidential part.
			const part = await storage.confidential.loadUpdates(meeting.id);
			if (part.length > 0) await storage.confidential.appendUpdate(created.id, foldUpdates(null, part));
			const token = newToken();
			await storage.tokens.addToken(hashToken(token), { meetingId: created.id, role: 'organiser', label: '' });
			return { created, token };
		} finally {
			doc.destroy();
		}
	}

	return { state, act, verify, correct };
}

export type ApprovalService = ReturnType<typeof createApprovalService>;
