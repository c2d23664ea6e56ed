/** What every benchmark returns, and how it is printed. */

export interface BenchResult {
	name: string;
	/** The parameters it ran with (sizes, durations). */
	params: Record<string, unknown>;
	/** One row per measured configuration; printed as a markdown table. */
	rows: Record<string, string | number | boolean | null>[];
	notes: string[];
}

export function toMarkdown(result: BenchResult): string {
	const lines = [`### ${result.name}`, '', `params: \`${JSON.stringify(result.params)}\``, ''];
	if (result.rows.length > 0) {
		const columns = [...new Set(result.rows.flatMap((row) => Object.keys(row)))];
		lines.push(`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`);
		for (const row of result.rows) lines.push(`| ${columns.map((column) => format(row[column])).join(' | ')} |`);
		lines.push('');
	}
	for (const note of result.notes) lines.push(`- ${note}`);
	return lines.join('\n');
}

function format(value: unknown): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'number' && Number.isNaN(value)) return 'n/a';
	return String(value);
}

export const kib = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;
export const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
