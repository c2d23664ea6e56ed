/**
 * The group's assignment list across meetings: filtering and the CSV export
 * (RFC 4180 quoting, CRLF, UTF-8 with a BOM so Excel reads å, ä, ö).
 */
import type { GroupMatter } from './matters.js';

export interface AssignmentFilter {
	/** Case-insensitive substring of the owner's name. */
	owner?: string;
	/** Exact organisation (case-insensitive); '' matches assignments without one. */
	organisation?: string | null;
	status?: 'open' | 'done' | 'all';
}

export function groupAssignments(matters: readonly GroupMatter[], filter: AssignmentFilter = {}): GroupMatter[] {
	const owner = filter.owner?.trim().toLocaleLowerCase('sv') ?? '';
	const organisation = filter.organisation == null ? null : filter.organisation.trim().toLocaleLowerCase('sv');
	const status = filter.status ?? 'all';
	return matters.filter((m) => {
		if (m.origin.kind !== 'assignment') return false;
		if (status !== 'all' && m.status !== status) return false;
		if (owner && !(m.origin.owner?.name ?? '').toLocaleLowerCase('sv').includes(owner)) return false;
		if (organisation !== null && (m.origin.owner?.organisation ?? '').toLocaleLowerCase('sv') !== organisation) return false;
		return true;
	});
}

/** The organisations owners belong to, sorted the Swedish way, for a filter's choices. */
export function ownerOrganisations(matters: readonly GroupMatter[]): string[] {
	const set = new Set<string>();
	for (const m of matters) if (m.origin.kind === 'assignment' && m.origin.owner?.organisation) set.add(m.origin.owner.organisation);
	return [...set].sort((a, b) => a.localeCompare(b, 'sv'));
}

export function csvField(value: string | number | null): string {
	const text = value === null ? '' : String(value);
	return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export interface CsvColumns {
	meeting: string;
	date: string;
	item: string;
	assignment: string;
	owner: string;
	organisation: string;
	due: string;
	status: string;
	closedAt: string;
}

/** CSV text of the given assignments; `statusLabel` turns open/done into the user's words. */
export function assignmentsCsv(rows: readonly GroupMatter[], columns: CsvColumns, statusLabel: (status: 'open' | 'done') => string): string {
	const lines = [
		[columns.meeting, columns.date, columns.item, columns.assignment, columns.owner, columns.organisation, columns.due, columns.status, columns.closedAt],
		...rows.map((m) => [
			m.origin.meetingTitle,
			m.origin.meetingDate,
			`${m.origin.itemNumber} ${m.origin.itemTitle}`.trim(),
			m.origin.text,
			m.origin.owner?.name ?? null,
			m.origin.owner?.organisation ?? null,
			m.origin.dueDate ?? m.origin.dueText,
			statusLabel(m.status),
			m.closedAt ? m.closedAt.slice(0, 10) : null
		])
	];
	return '\uFEFF' + lines.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}
