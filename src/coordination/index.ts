// The coordination modules (the county platform's eight): their services, for the gateway
// routes (src/gateway/routes/coordination-*.ts), the CLI and the jobs.
export { startCoordinationJobs, runMonthly, runReminderSweep } from './jobs.js';
export { computeSharing, remindLateAgencies } from './data-sharing/sharing-service.js';
export { computeSupervision } from './supervision/supervision-service.js';
export { raiseOverdueReminders } from './reminders/overdue-reminders.js';
export { createUser, login } from './users/user-service.js';
export { parseMonth, monthOf, addMonths } from './shared/month.js';
