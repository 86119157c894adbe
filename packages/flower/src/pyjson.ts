import { ArgumentError } from '@neurite/core';
import { FlowerProtocolError } from './errors.js';

/**
 * JSON text as Python's `json.dumps(value)` writes it with default settings:
 * `", "` and `": "` separators and every character outside printable ASCII
 * escaped as \uXXXX. Flower hashes these bytes (ArrayRecord, RecordDict and
 * Array bodies), so any other spelling of the same JSON would change ids.
 *
 * Objects are Maps both ways: a JS object would move integer-like keys
 * ("0", "10") ahead of the rest, and key order is part of a record.
 */
export type PyJson = string | number | readonly PyJson[] | ReadonlyMap<string, PyJson>;

const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (SHORT[ch] !== undefined) out += SHORT[ch];
    // UTF-16 code units are what Python escapes too (astral characters as surrogate pairs).
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function pythonJsonDumps(value: PyJson): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') {
    // Flower's bodies hold only integers (shapes, chunk indices); floats would need Python's repr.
    if (!Number.isSafeInteger(value)) throw new ArgumentError(`pythonJsonDumps: ${value} is not a safe integer - only integers are written`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries = [...(value as ReadonlyMap<string, PyJson>)];
  return `{${entries.map(([k, v]) => `${quote(k)}: ${pythonJsonDumps(v)}`).join(', ')}}`;
}

/** Parses JSON keeping object key order (objects become Maps); `where` names the object in errors. */
export function parseJsonOrdered(text: string, where: string): PyJson {
  let i = 0;
  const fail = (what: string): never => {
    throw new FlowerProtocolError(`${where}: body is not valid JSON (${what} at offset ${i}: ${JSON.stringify(text.slice(i, i + 20))}) - the sender's object is corrupt`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const str = (): string => {
    const start = i;
    if (text[i] !== '"') fail('expected a string');
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('bad string escape');
    }
  };
  const value = (): PyJson => {
    ws();
    const c = text[i];
    if (c === '"') return str();
    if (c === '[') {
      i++;
      const out: PyJson[] = [];
      ws();
      if (text[i] === ']') return i++, out;
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return i++, out;
        else fail("expected ',' or ']'");
      }
    }
    if (c === '{') {
      i++;
      const out = new Map<string, PyJson>();
      ws();
      if (text[i] === '}') return i++, out;
      for (;;) {
        ws();
        const key = str();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        if (out.has(key)) fail(`duplicate key ${JSON.stringify(key)}`);
        out.set(key, value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return i++, out;
        else fail("expected ',' or '}'");
      }
    }
    const m = /^-?\d+/.exec(text.slice(i, i + 32));
    if (!m || /^[.eE]/.test(text[i + m[0].length] ?? '')) return fail('expected a string, an integer, a list or an object');
    i += m[0].length;
    const n = Number(m[0]);
    if (!Number.isSafeInteger(n)) fail(`integer ${m[0]} out of range`);
    return n;
  };
  const out = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return out;
}
