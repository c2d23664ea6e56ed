/**
 * Meeting groups: the group document (roster, agenda template, meetings, closures), the
 * matters (tabled items, assignments) derived across the group's meetings, filling the
 * next meeting, the assignment list with CSV, and search. See README.md and docs/groups.md.
 */
export { GroupError, type GroupErrorCode } from './errors.js';
export { GROUP_SCHEMA_VERSION } from './doc.js';
export {
	DEFAULT_TEMPLATE,
	TEMPLATE_ROLES,
	addMember,
	addTemplateItem,
	closeInGroup,
	initGroup,
	moveTemplateItem,
	readGroup,
	registerMeeting,
	removeMember,
	removeTemplateItem,
	renameGroup,
	reopenInGroup,
	updateMember,
	updateTemplateItem,
	type GroupClosure,
	type GroupMeetingRef,
	type GroupView,
	type MemberInput,
	type MemberView,
	type TemplateItemInput,
	type TemplateItemView,
	type TemplateRole
} from './group.js';
export { deriveMatters, openMatters, type ClosedWhere, type DeriveOptions, type GroupMatter, type GroupMeetingDoc } from './matters.js';
export { fillGroupMeeting, planFromPrevious, type FilledMeeting, type NextMeetingPlan } from './next-meeting.js';
export { assignmentsCsv, csvField, groupAssignments, ownerOrganisations, type AssignmentFilter, type CsvColumns } from './assignments.js';
export { MIN_QUERY_LENGTH, searchMeetings, type SearchField, type SearchHit } from './search.js';
