/** A value for a command line the user pastes into a shell: bare when safe, else double-quoted with `"`, `\`, `$` and backquote escaped. */
export function shellQuote(value: string): string {
  return /^[\w.@+-]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, '\\$1')}"`;
}
