import { readFileSync } from 'node:fs';
import { CliError } from './cli-error';

/**
 * A command's JSON body: `--file` (a path, or - for standard input), then `--json`, then the
 * flags, each later source overriding the earlier one field by field.
 */
export function readBody(options: { json?: string; file?: string }, flags: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (options.file !== undefined) Object.assign(body, parseObject(readSource(options.file), `--file ${options.file}`));
  if (options.json !== undefined) Object.assign(body, parseObject(options.json, '--json'));
  for (const [name, value] of Object.entries(flags)) if (value !== undefined) body[name] = value;
  return body;
}

export function readSource(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

export function parseObject(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliError(`${source} is not valid JSON: ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new CliError(`${source} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Repeated flags (`--redirect-uri a --redirect-uri b`) collect into a list. */
export const collect = (value: string, previous?: string[]) => [...(previous ?? []), value];

export function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
