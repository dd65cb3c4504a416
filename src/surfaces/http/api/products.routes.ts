// GET /api/products: the tenant's active products in menu order, a page at a time (cursor pagination,
// pagination.ts), filtered by text (name or SKU) and stock.
import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../services.js';
import { decodeCursor, pageOf, pageQuery } from '../pagination.js';
import { ctxOf } from './api-context.js';
import { queryOf } from './declared-query.js';
import { productDto } from './api.presenters.js';
import { unstorableTextProblem } from '../../../platform/storable-text.js';

export const listProductsQuery = z.strictObject({
  q: z.string().trim().min(1).max(100).optional().describe('Matches the name or the SKU (case-insensitive)'),
  inStock: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('true: untracked products and those with stock; false: tracked products out of stock'),
  ...pageQuery(100, 200),
});

/**
 * The last product of the previous page. The cursor is not signed: a caller can write any boundary, so each value is
 * held to what a product can have (an int4 sort order, storable text) and a forged one is the cursor's 400, not a 500
 * from the database (a lone surrogate) or a 400 naming nothing (a sort order past int4, a NUL).
 */
const storable = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => unstorableTextProblem(v) === null);
const boundary = z.object({
  sortOrder: z
    .number()
    .int()
    .min(-(2 ** 31))
    .max(2 ** 31 - 1),
  name: storable(1000),
  id: storable(100).refine((v) => v.length > 0),
});

export function productsRoutes(services: Services): Router {
  const router = Router();
  router.get('/products', async (req, res) => {
    const { q, inStock, pageSize, cursor } = queryOf(res, listProductsQuery);
    const filters = { q, inStock };
    const after = cursor ? decodeCursor(cursor, filters, boundary) : undefined;
    const rows = await services.catalog.listProductsPage(ctxOf(res).tenantId, { q, inStock, after, limit: pageSize + 1 });
    const page = pageOf(rows, pageSize, filters, (p) => ({ sortOrder: p.sortOrder, name: p.name, id: p.id }));
    res.json({ data: page.rows.map(productDto), pageSize, nextCursor: page.nextCursor });
  });
  return router;
}
