/**
 * A small XML well-formedness check for tests (no parser is installed): every tag closes in
 * order, attributes are quoted and unique, text holds no raw '<' and only known entities.
 * Returns the problems found ([] when well-formed) and the element names seen.
 */
export function checkXml(text: string): { errors: string[]; elements: string[] } {
  const errors: string[] = [];
  const elements: string[] = [];
  const stack: string[] = [];
  const body = text.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '');
  const token = /<[^<>]*>|[^<]+|</g;
  let m: RegExpExecArray | null;
  while ((m = token.exec(body)) !== null) {
    const t = m[0];
    if (t === '<') errors.push(`stray '<' at ${m.index}`);
    else if (!t.startsWith('<')) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(t)) errors.push(`bad entity in text near ${m.index}`);
    } else if (t.startsWith('</')) {
      const name = t.slice(2, -1).trim();
      const open = stack.pop();
      if (open !== name) errors.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      const inner = t.slice(1, t.endsWith('/>') ? -2 : -1);
      const name = /^[A-Za-z_][\w:.-]*/.exec(inner)?.[0];
      if (!name) {
        errors.push(`bad tag ${t.slice(0, 40)}`);
        continue;
      }
      elements.push(name);
      const rest = inner.slice(name.length).trim();
      const attrs = rest === '' ? [] : rest.match(/[\w:.-]+\s*=\s*("[^"]*"|'[^']*')/g) ?? [];
      if (attrs.join(' ').replace(/\s+/g, '') !== rest.replace(/\s+/g, '')) errors.push(`unquoted or malformed attributes in <${name}>`);
      const names = attrs.map((a) => a.split('=')[0].trim());
      if (new Set(names).size !== names.length) errors.push(`duplicate attribute in <${name}>`);
      if (!t.endsWith('/>')) stack.push(name);
    }
  }
  if (stack.length > 0) errors.push(`unclosed <${stack.join('>, <')}>`);
  if (elements.length === 0) errors.push('no elements');
  return { errors, elements };
}
