// The routing tables: slash commands by name, components and modals by custom-id key (custom-id.ts).
import type { CommandRoutes, ComponentRoutes } from './context.js';
import { adminCommands, adminComponents } from './handlers/admin.handlers.js';
import { catalogCommands, catalogComponents } from './handlers/catalog.handlers.js';
import { helpCommands } from './handlers/help.handlers.js';
import { legacyCommands, legacyComponents } from './handlers/legacy.handlers.js';
import { orderCommands, orderComponents } from './handlers/order.handlers.js';
import { ordersCommands, ordersComponents } from './handlers/orders-list.handlers.js';
import { selfServiceComponents } from './handlers/order-self-service.handlers.js';

export const COMMAND_ROUTES: CommandRoutes = {
  ...orderCommands,
  ...catalogCommands,
  ...ordersCommands,
  ...helpCommands,
  ...adminCommands,
  ...legacyCommands,
};

export const COMPONENT_ROUTES: ComponentRoutes = {
  ...orderComponents,
  ...catalogComponents,
  ...ordersComponents,
  ...selfServiceComponents,
  ...adminComponents,
  ...legacyComponents,
};
