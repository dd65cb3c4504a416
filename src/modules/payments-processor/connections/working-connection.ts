// The one rule for "this connection can take payments": tested CONNECTED, with its secrets (connection.service.ts
// keeps it so: a save sets UNTESTED, a failed test FAILED, a disconnect DISCONNECTED and erases the secrets).
// Declared once, as SQL over a connection `c`, and read by every surface that offers a processor-backed method:
// the invoice page and checkouts (connection.service.ts usableMethods), the Discord payment menu and the order
// steps' guards (checkout/selection-rules.ts payment.payable, checkout/sessions/session-store.ts connectedProviders).
import { Prisma } from '../../../generated/prisma/index.js';

/** A connection `c` (payment_connections) that works. */
export const WORKING_CONNECTION_SQL = Prisma.sql`c.status = 'CONNECTED'::"ConnectionStatus" AND c.secrets IS NOT NULL`;
