// The coordination modules' routes (the county platform's eight modules), registered by buildApp.
// Login tokens of disabled users are refused by the gateway's auth hook (app.ts) for every route.
import type { RoutePlugin } from '../app.js';
// The modules' shared schemas register themselves on import (shareSchema); routes name them by $ref.
import '../../coordination/units/unit-schema.js';
import '../../coordination/documents/document-schema.js';
import '../../coordination/items/item-schema.js';
import '../../coordination/archive/archive-schema.js';
import '../../coordination/qa/qa-schema.js';
import '../../coordination/reminders/reminder-schema.js';
import '../../coordination/data-sharing/sharing-schema.js';
import '../../coordination/supervision/supervision-schema.js';
import '../../coordination/users/user-schema.js';
import { authRoutes } from './auth-login.js';
import { coordinationArchiveRoutes } from './coordination-archive.js';
import { coordinationDataSharingRoutes } from './coordination-data-sharing.js';
import { coordinationDocumentRoutes } from './coordination-documents.js';
import { coordinationItemRoutes } from './coordination-items.js';
import { coordinationQaRoutes } from './coordination-qa.js';
import { coordinationReminderRoutes } from './coordination-reminders.js';
import { coordinationSupervisionRoutes } from './coordination-supervision.js';
import { coordinationUnitRoutes } from './coordination-units.js';
import { coordinationUserRoutes } from './coordination-users.js';

export const coordinationRoutes: RoutePlugin[] = [
  authRoutes,
  coordinationUnitRoutes,
  coordinationDocumentRoutes,
  coordinationItemRoutes,
  coordinationArchiveRoutes,
  coordinationQaRoutes,
  coordinationReminderRoutes,
  coordinationDataSharingRoutes,
  coordinationSupervisionRoutes,
  coordinationUserRoutes,
];
