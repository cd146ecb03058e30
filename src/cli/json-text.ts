/**
 * JSON text handled as text, so numbers keep their exact digits (amounts print as the node sent
 * them, 50.00000000, as bitcoin-cli prints them): re-indenting, and picking one member.
 */

/** Index just past the JSON value starting at `i` (whitespace skipped first). */
function valueEnd(text: string, i: number): number {
  let depth = 0;
  let inString = false;
  for (let j = i; j < text.length; j++) {
    const c = text[j];
    if (inString) {
      if (c === '\\') j++;
      else if (c === '"') {
        inString = false;
        if (depth === 0) return j + 1;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return j + 1;
      if (depth < 0) return j;
    } else if (depth === 0 && (c === ',' || /\s/.test(c))) return j;
  }
  return text.length;
}

/** The raw text of a top-level member of a JSON object, or undefined. */
export function memberText(json: string, key: string): string | undefined {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  if (!(key in parsed)) return undefined;
  let i = json.indexOf('{') + 1;
  while (i < json.length) {
    while (/[\s,]/.test(json[i])) i++;
    if (json[i] === '}') return undefined;
    const keyEnd = valueEnd(json, i);
    const name = JSON.parse(json.slice(i, keyEnd)) as string;
    i = json.indexOf(':', keyEnd) + 1;
    while (/\s/.test(json[i])) i++;
    const end = valueEnd(json, i);
    if (name === key) return json.slice(i, end);
    i = end;
  }
  return undefined;
}

/** Pretty-prints JSON text with two-space indents, keeping every literal's digits. */
export function prettyJson(json: string): string {
  let out = '';
  let indent = 0;
  let inString = false;
  const newline = () => `\n${'  '.repeat(indent)}`;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      out += c;
      if (c === '\\') out += json[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s/.test(c)) continue;
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      let k = i + 1;
      while (/\s/.test(json[k])) k++;
      if (json[k] === close) {
        out += c + close;
        i = k;
        continue;
      }
      indent++;
      out += c + newline();
    } else if (c === '}' || c === ']') {
      indent--;
      out += newline() + c;
    } else if (c === ',') out += `,${newline()}`;
    else if (c === ':') out += ': ';
    else out += c;
  }
  return out;
}
