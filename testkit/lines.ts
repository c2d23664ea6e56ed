/** A child process's output, line by line: how tests and benchmarks read the server's JSON log. */
import type { ChildProcess } from 'node:child_process';

export function onLines(child: ChildProcess, onLine: (line: string) => void): void {
	let buffered = '';
	const onData = (chunk: Buffer) => {
		buffered += chunk.toString('utf8');
		let newline;
		while ((newline = buffered.indexOf('\n')) !== -1) {
			const line = buffered.slice(0, newline);
			buffered = buffered.slice(newline + 1);
			onLine(line);
		}
	};
	child.stdout?.on('data', onData);
	child.stderr?.on('data', onData);
}
