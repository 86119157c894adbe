/** Where output goes: results on stdout (one JSON object with --json), everything for people on stderr. */
export interface GlobalOptions {
  backend: string;
  threads?: number;
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

export interface Ui {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly verbose: boolean;
  /** stderr is a terminal and neither --json nor --quiet: draw a progress bar. */
  readonly interactive: boolean;
  /** A result line on stdout (not with --json). */
  out(text: string): void;
  /** The one JSON object of a --json run. */
  result(value: unknown): void;
  /** Information for people on stderr (not with --json or --quiet). */
  info(line: string): void;
  /** A warning on stderr (not with --quiet). */
  warn(line: string): void;
  /** Details on stderr with --verbose only. */
  debug(line: string): void;
  stderr: NodeJS.WriteStream;
}

export function makeUi(o: Pick<GlobalOptions, 'json' | 'quiet' | 'verbose'>, streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } = { stdout: process.stdout, stderr: process.stderr }): Ui {
  const { stdout, stderr } = streams;
  return {
    json: o.json,
    quiet: o.quiet,
    verbose: o.verbose,
    interactive: Boolean(stderr.isTTY) && !o.json && !o.quiet,
    stderr,
    out: (text) => {
      if (!o.json) stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    result: (value) => {
      stdout.write(`${JSON.stringify(value)}\n`);
    },
    info: (line) => {
      if (!o.json && !o.quiet) stderr.write(`${line}\n`);
    },
    warn: (line) => {
      if (!o.quiet) stderr.write(`${line}\n`);
    },
    debug: (line) => {
      if (o.verbose) stderr.write(`${line}\n`);
    },
  };
}

/** Rows as an aligned text table (first row is the header). */
export function table(rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => (r[c] ?? '').length)));
  const numeric = (s: string) => /^-?[\d.,]+(e[+-]?\d+)?$/i.test(s) || s === '-';
  const line = (r: string[]) => r.map((s, c) => (c > 0 && numeric(s) ? s.padStart(widths[c]) : s.padEnd(widths[c]))).join('  ').trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(cells[0]), sep, ...cells.slice(1).map(line)].join('\n');
}
