// Shared by the operator commands (admin:create, admin:password-reset, shop:create): argument parsing
// with one usage line, and a password read from stdin without echo when the operator brings their own.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export function parseOrExit<T extends NonNullable<ParseArgsConfig['options']>>(options: T, usage: string, required: (keyof T)[]) {
  try {
    const values = parseArgs({ options, strict: true, allowPositionals: false }).values as Record<string, unknown>;
    const missing = required.filter((k) => values[k as string] === undefined);
    if (missing.length) throw new Error(`missing --${missing.join(', --')}`);
    return values as { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : string };
  } catch (err) {
    console.error(`${(err as Error).message}\n${usage}`);
    process.exit(2);
  }
}

/** The first line of stdin (a pipe or a terminal with echo off): the operator's own password, never printed. */
export async function readPasswordFromStdin(): Promise<string> {
  const stdin = process.stdin;
  if (stdin.isTTY) {
    process.stderr.write('Password (not shown): ');
    stdin.setRawMode(true);
  }
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (stdin.isTTY && text.includes('\u0003')) process.exit(130); // Ctrl-C in raw mode
    if (/[\r\n]/.test(text)) break;
  }
  if (stdin.isTTY) {
    stdin.setRawMode(false);
    process.stderr.write('\n');
  }
  stdin.pause();
  return text.split(/[\r\n]/)[0] ?? '';
}
