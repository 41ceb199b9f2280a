// The gateway itself, when a job (reminders, monthly figures) writes history or audit entries.
export const SYSTEM_ACTOR = { sub: 'system:coordination', role: 'system', unit: '-' } as const;
