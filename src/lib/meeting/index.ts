/**
 * The meeting domain model: a typed API over one meeting's Y.Doc. Every write is one
 * `doc.transact`; every read returns a frozen plain snapshot. See README.md and
 * docs/meeting-schema.md.
 */
export * from './types.js';
export { MeetingError, type MeetingErrorCode } from './errors.js';
export { SCHEMA_VERSION, schemaVersionOf } from './doc.js';
export { createMeeting, initMeeting, setHeader, type InitMeetingInput } from './header.js';
export {
	addParticipant,
	addParticipants,
	isEmail,
	moveParticipant,
	removeParticipant,
	restoreParticipant,
	setAttendance,
	setCheckedIn,
	setItemScope,
	setItemScopes,
	updateParticipant
} from './participants.js';
export { parseParticipantList, type ParsedParticipant, type ParticipantListIssue } from './participant-list.js';
export {
	addDocument,
	addExtractRecipient,
	addItem,
	addSubItem,
	getItemNotes,
	moveItem,
	removeDocument,
	removeExtractRecipient,
	removeItem,
	restoreItem,
	setItemNotes,
	updateDocument,
	updateItem
} from './agenda.js';
export {
	addConflictOfInterest,
	addDecision,
	addReservation,
	getDecisionText,
	moveDecision,
	placeDecision,
	removeConflictOfInterest,
	removeDecision,
	removeReservation,
	restoreDecision,
	updateDecision
} from './decisions.js';
export {
	addAssignment,
	removeAssignment,
	restoreAssignment,
	setAssignmentStatus,
	updateAssignment
} from './assignments.js';
export {
	addParkingLotEntry,
	removeParkingLotEntry,
	reopenParkingLotEntry,
	resolveParkingLotEntry,
	tableItem,
	tableRestOfAgenda,
	updateParkingLotEntry
} from './parking-lot.js';
export {
	closeMeeting,
	endBreak,
	finishCurrentItem,
	goToItem,
	markNotReached,
	navigationTargets,
	nextItem,
	openMeeting,
	openMeetingAtFirstItem,
	previousItem,
	readLiveState,
	resumeItem,
	startBreak,
	startItem,
	suspendCurrentItem,
	type LiveState
} from './live.js';
export { findItem, observeMeeting, readMeeting } from './read.js';
export { participantByEmail, readRoster } from './read-people.js';
export {
	SPEECH_KINDS,
	admitHands,
	endSpeaker,
	giveFloor,
	grantReply,
	isHandRaised,
	lowerHand,
	raiseHand,
	readSpeakerList,
	removeFromQueue,
	setSpeakingLimit,
	type QueuedSpeakerView,
	type SpeakerListView,
	type SpeechKind,
	type SpeechView,
	type WaitingHandView
} from './speakers.js';
export {
	addProposition,
	breakTie,
	castBallot,
	closeSecretVote,
	closeVote,
	decideByAcclamation,
	markSecretVoted,
	openVote,
	readDecisionRounds,
	readPropositions,
	recordRoundDecision,
	removeProposition,
	secretBallotRefusal,
	updateProposition,
	type PropositionInput,
	type SecretTally
} from './votes.js';
export {
	clearItemConflict,
	hasSeatVote,
	quorumFor,
	setItemConfidential,
	setItemConflict,
	type ItemConflictView,
	type QuorumView
} from './quorum.js';
export {
	readFormalLive,
	readItemFormal,
	type FormalLiveView
} from './formal-read.js';
export { anchorAt, resolveAnchor, type NotesAnchor } from './anchors.js';
export {
	OUTSTANDING_KINDS,
	carryOutstanding,
	closeOutstanding,
	compareOrigins,
	outstandingKey,
	readGroupLink,
	readOutstanding,
	reopenOutstanding,
	setGroupLink,
	type GroupLinkInput,
	type GroupLinkView,
	type OutstandingEntryView,
	type OutstandingKind,
	type OutstandingOrigin,
	type OutstandingStatus
} from './outstanding.js';
export { CONFIDENTIAL_SCHEMA, MEETING_SCHEMA } from './schema.js';
export { adoptConfidentialItems, attachConfidentialPart, confidentialPartOf, itemContentOf } from './confidential.js';
export { auditDocument, repairDocument, type DocumentSchema, type Violation } from './schema-language.js';
export { schemaProblem, watchOwnWrites, writesOfTransaction, type Write } from './writes.js';
export {
	addAttachment,
	findAttachment,
	moveAttachment,
	readAllAttachments,
	readAttachments,
	removeAttachment,
	renameAttachment,
	replaceAttachment,
	type AttachmentInput
} from './attachments.js';
export { createTextUndo, UNDO_CAPTURE_MS, type TextUndo, type TextUndoOptions } from './text-undo.js';
export { breakTime, itemTime, timePlan, type BreakTime, type ItemTime, type TimePlan } from './schedule.js';
