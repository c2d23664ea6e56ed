/**
 * `npm run backup -- <file>`: an online backup of the SQLite database in DATA_DIR.
 * `npm run backup -- --restore <file>`: puts a backup in place (stop the server first).
 * With DATABASE_URL set, prints the pg_dump / pg_restore lines instead (docs/deploy.md).
 */
import { loadConfig } from '../config.ts';
import { backupSqlite, pgDumpCommand, restoreSqlite } from './backup.ts';

async function main(args: string[]): Promise<number> {
	const restore = args[0] === '--restore';
	const file = restore ? args[1] : args[0];
	if (!file || file.startsWith('-')) {
		console.error('usage: npm run backup -- <file>   |   npm run backup -- --restore <file>');
		return 2;
	}
	const config = loadConfig();
	if (config.databaseUrl) {
		console.error('DATABASE_URL is set: back PostgreSQL up with its own tools:');
		console.error(`  ${pgDumpCommand(file)}`);
		console.error(`  restore: pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" ${JSON.stringify(file)}`);
		return 2;
	}
	if (restore) {
		const { meetings, files, previous } = restoreSqlite(file, config.dataDir);
		console.log(JSON.stringify({ restored: file, dataDir: config.dataDir, meetings, files, previous }));
	} else {
		console.log(JSON.stringify(await backupSqlite(config.dataDir, file)));
	}
	return 0;
}

main(process.argv.slice(2)).then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	}
);
