/** The process environment, or a test's stand-in for it. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Reads variables of `env`; each reader pushes what is wrong to `problems` and returns its fallback. */
export interface EnvReader {
  /** The trimmed value; unset and blank are both undefined. */
  value(name: string): string | undefined;
  /** An integer from `min` to `max`; unset: `fallback`. */
  integer(name: string, fallback: number, min: number, max: number): number;
}

/**
 * One reader for every part of the configuration, so that a blank variable or a bad integer is
 * treated, and reported, the same way whichever part reads it.
 */
export function envReader(env: Env, problems: string[]): EnvReader {
  const value = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    if (!/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  return { value, integer };
}
