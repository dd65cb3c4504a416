// Admin users as the panel writes them. Passwords are hashed with scrypt (platform/crypto) before they
// reach the database, and the hash never leaves the server.
import { z } from 'zod';
import { adminPassword } from '../../../modules/admin-accounts/admin-accounts.service.js';
import { formText } from './form-fields.js';

export const adminUserForm = z.object({
  email: formText(254).toLowerCase().pipe(z.email('an email address')),
  role: z.enum(['PLATFORM_ADMIN', 'TENANT_ADMIN', 'TENANT_STAFF']),
  tenant: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.string().trim().max(64).nullable()),
  /** Required on create; on edit, empty keeps the current password. The module's one password rule. */
  password: z.preprocess((v) => (v === '' || v === null ? undefined : v), adminPassword.optional()),
});
