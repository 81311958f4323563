/**
 * What a new password must be. Pure: the application runs it on the password it receives and hands
 * the reasons to the decider as a fact, so a password itself never enters a command or an event.
 */
export const PASSWORD_MIN_LENGTH = 10;
/** Long enough for any passphrase, short enough that hashing it is never a denial of service. */
export const PASSWORD_MAX_LENGTH = 128;

/** Stable reason codes; clients translate them. */
export const PASSWORD_WEAKNESSES = ['too_short', 'too_long', 'single_class', 'contains_email', 'common_pattern'] as const;
export type PasswordWeakness = (typeof PASSWORD_WEAKNESSES)[number];

/**
 * Words and keyboard runs found at the top of every breached-password list. A password that contains
 * one (after undoing the usual letter-for-digit swaps) is refused whatever is added around it,
 * which covers the year-suffixed and symbol-suffixed variants ("Welcome2024!").
 */
const COMMON_PATTERNS: readonly string[] = [
  'password', 'passw0rd', 'motdepasse', 'passwort', 'contrasena', 'parola',
  '123456', '654321', '111111', '000000', '123123', '112233', '121212',
  'qwerty', 'azerty', 'qwertz', 'asdfgh', 'zxcvbn', 'qazwsx', '1q2w3e', 'abc123', 'abcdef',
  'letmein', 'welcome', 'iloveyou', 'admin', 'login', 'master', 'monkey', 'dragon', 'sunshine',
  'princess', 'football', 'baseball', 'soccer', 'superman', 'batman', 'starwars', 'trustno1',
  'shadow', 'michael', 'jennifer', 'charlie', 'secret', 'changeme', 'default', 'access',
  'freedom', 'whatever', 'hello', 'summer', 'winter', 'spring', 'autumn', 'bonjour', 'soleil',
  'switchboard',
];

/** The swaps people make to dress up a dictionary word. */
const LEET: Readonly<Record<string, string>> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', '$': 's', '!': 'i' };

function characterClasses(password: string): number {
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/];
  return classes.filter((re) => re.test(password)).length;
}

function unleet(text: string): string {
  return [...text].map((c) => LEET[c] ?? c).join('');
}

function containsCommonPattern(password: string): boolean {
  const lower = password.toLowerCase();
  const plain = unleet(lower);
  return COMMON_PATTERNS.some((pattern) => lower.includes(pattern) || plain.includes(unleet(pattern)));
}

/** The local part itself and its longer pieces ("jean.dupont" → "jean.dupont", "jean", "dupont"). */
function emailTokens(email: string | undefined): string[] {
  const local = (email ?? '').trim().toLowerCase().split('@')[0] ?? '';
  const tokens = [local, ...local.split(/[._+\-]/)];
  return [...new Set(tokens.filter((t) => t.length >= 3))];
}

/**
 * Reasons a password is refused, in a stable order; an empty list means it is accepted.
 * The email, when given, is the account's: a password built on it is the first thing an attacker tries.
 */
export function checkPassword(password: string, context: { readonly email?: string } = {}): PasswordWeakness[] {
  const reasons: PasswordWeakness[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) reasons.push('too_short');
  if (length > PASSWORD_MAX_LENGTH) reasons.push('too_long');
  if (characterClasses(password) <= 1) reasons.push('single_class');
  const lower = password.toLowerCase();
  if (emailTokens(context.email).some((token) => lower.includes(token))) reasons.push('contains_email');
  if (containsCommonPattern(password)) reasons.push('common_pattern');
  return reasons;
}
