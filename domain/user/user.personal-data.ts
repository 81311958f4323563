/**
 * Which fields of which events are personal data, encrypted with the key of the subject they belong
 * to (crypto-shredding: deleting the key erases them everywhere, the event log included). A field
 * is a dotted path into `data`. Fields are only ever added here: an event written before a field was
 * listed keeps it in clear.
 */
export type PersonalDataRule = {
  /** The data field that holds the subject's id. */
  readonly subjectField: string;
  readonly subjectPrefix: string;
  readonly fields: readonly string[];
};

export type PersonalDataMap = Readonly<Record<string, PersonalDataRule>>;

/** The key of a user's personal data. */
export const userSubject = (userId: string): string => `user-${userId}`;

const byUser = (fields: readonly string[]): PersonalDataRule => ({ subjectField: 'userId', subjectPrefix: 'user-', fields });

export const USER_PERSONAL_DATA: PersonalDataMap = {
  UserRegistered: byUser(['email']),
  UserPasswordSet: byUser(['passwordHash']),
  // The whole profile: names, title, contact, and the country and time zone that narrow them down.
  UserProfileUpdated: byUser(['profile']),
};
