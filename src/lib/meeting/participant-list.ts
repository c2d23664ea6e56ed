/**
 * Reads a pasted list of people, one per line, as copied from a spreadsheet (tab-separated),
 * a CSV file or an e-mail (comma- or semicolon-separated): name, organisation, role, e-mail,
 * and optionally "endast punkt 3, 5" / "ej punkt 12". Columns are told apart by what they
 * hold (an e-mail has an @, a role is a known role word, a scope starts with "endast"/"ej"),
 * so their order and which of them are present do not matter; the first plain column is the
 * name, the second the organisation. Nothing is written here: the caller previews the rows,
 * lets the person fix them and adds them with `addParticipants`.
 */
import type { ItemScope, ParticipantRole } from './types.js';
import { isEmail } from './participants.js';
import { LIMITS } from './validate.js';

/** Role words as people write them (Swedish and English), lower-cased. */
const ROLE_WORDS: Record<string, ParticipantRole> = {
	ordförande: 'chair',
	ordf: 'chair',
	'ordf.': 'chair',
	chair: 'chair',
	sekreterare: 'secretary',
	'vid anteckningarna': 'secretary',
	secretary: 'secretary',
	justerare: 'adjuster',
	adjuster: 'adjuster',
	ledamot: 'member',
	deltagare: 'member',
	medlem: 'member',
	ersättare: 'member',
	member: 'member',
	gäst: 'guest',
	guest: 'guest',
	föredragande: 'presenter',
	presenter: 'presenter',
	observatör: 'observer',
	åhörare: 'observer',
	observer: 'observer'
};

export type ParticipantListIssue =
	| { code: 'name_missing' }
	| { code: 'name_too_long' }
	| { code: 'email_invalid'; value: string }
	| { code: 'unknown_items'; numbers: string[] }
	| { code: 'duplicate'; name: string };

export interface ParsedParticipant {
	/** The line as pasted (1-based line number in the paste). */
	line: number;
	name: string;
	organisation: string;
	role: ParticipantRole;
	email: string;
	/** "endast punkt"/"ej punkt" as written, with the item numbers; resolved against the agenda in `items`. */
	items: ItemScope;
	issues: ParticipantListIssue[];
}

const SCOPE = /^(endast|bara|ej|inte|utom)\s+(?:punkt(?:erna)?|p\.?)\s*(.*)$/i;

function splitLine(line: string): string[] {
	const separator = line.includes('\t') ? '\t' : line.includes(';') ? ';' : ',';
	return line.split(separator).map((cell) => cell.trim());
}

/** Item numbers in "3, 5 och 7a" (also "3-5" for a range of whole numbers). */
function itemNumbers(text: string): string[] {
	const numbers: string[] = [];
	for (const part of text.split(/\s*(?:,|och|and|&|\s)\s*/i)) {
		const range = /^(\d+)\s*[-–]\s*(\d+)$/.exec(part);
		if (range) {
			const [from, to] = [Number(range[1]), Number(range[2])];
			for (let n = from; n <= to && n - from < LIMITS.list; n++) numbers.push(String(n));
		} else if (/^\d+[a-z]?$/i.test(part)) numbers.push(part.toLowerCase());
	}
	return numbers;
}

/**
 * One row per non-empty line. `agenda` gives the item numbers as shown ("3", "4a") and their
 * ids; a number not on the agenda is an issue on its row. `existing` are names already on the
 * roster (a duplicate is flagged, not dropped: two people may share a name).
 */
export function parseParticipantList(
	text: string,
	agenda: readonly { id: string; number: string }[],
	existing: readonly string[] = []
): ParsedParticipant[] {
	const byNumber = new Map(agenda.map((item) => [item.number.toLowerCase(), item.id]));
	const seen = new Set(existing.map((name) => name.toLocaleLowerCase('sv')));
	const rows: ParsedParticipant[] = [];
	text.split(/\r?\n/).forEach((raw, index) => {
		if (raw.trim() === '') return;
		const cells = splitLine(raw);
		const plain: string[] = [];
		let role: ParticipantRole | null = null;
		let email = '';
		let scope: { kind: 'only' | 'except'; numbers: string[] } | null = null;
		for (const cell of cells) {
			// An empty cell keeps its column's place: a row with no name says so instead of promoting the organisation.
			if (cell === '') {
				plain.push('');
				continue;
			}
			const lower = cell.toLocaleLowerCase('sv');
			const scopeMatch = SCOPE.exec(cell);
			if (scopeMatch) {
				const word = scopeMatch[1].toLowerCase();
				scope = { kind: word === 'endast' || word === 'bara' ? 'only' : 'except', numbers: itemNumbers(scopeMatch[2]) };
			} else if (scope && /^[\d\s,–-]+[a-z]?$/i.test(cell)) {
				// "endast punkt 3, 5" split at its comma in a comma-separated line.
				scope.numbers.push(...itemNumbers(cell));
			} else if (cell.includes('@')) {
				email = cell.replace(/^<|>$/g, '').replace(/^mailto:/i, '');
			} else if (role === null && ROLE_WORDS[lower] !== undefined) {
				role = ROLE_WORDS[lower];
			} else {
				plain.push(cell);
			}
		}
		const name = plain[0] ?? '';
		const organisation = plain.slice(1).filter(Boolean).join(', ');
		const issues: ParticipantListIssue[] = [];
		if (!name) issues.push({ code: 'name_missing' });
		else if (name.length > LIMITS.name) issues.push({ code: 'name_too_long' });
		if (email && !isEmail(email)) issues.push({ code: 'email_invalid', value: email });
		let items: ItemScope = { scope: 'all' };
		if (scope && scope.numbers.length > 0) {
			const unknown = scope.numbers.filter((n) => !byNumber.has(n));
			if (unknown.length > 0) issues.push({ code: 'unknown_items', numbers: unknown });
			const itemIds = [...new Set(scope.numbers.map((n) => byNumber.get(n)).filter((id): id is string => id !== undefined))];
			if (itemIds.length > 0) items = { scope: scope.kind, itemIds };
		}
		const key = name.toLocaleLowerCase('sv');
		if (name && seen.has(key)) issues.push({ code: 'duplicate', name });
		seen.add(key);
		rows.push({ line: index + 1, name, organisation, role: role ?? 'member', email, items, issues });
	});
	return rows;
}
