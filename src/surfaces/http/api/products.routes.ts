// GET /api/products: the tenant's active products, in menu order.
import { Router } from 'express';
import type { Services } from '../services.js';
import { ctxOf } from './api-context.js';
import { productDto } from './api.presenters.js';

export function productsRoutes(services: Services): Router {
  const router = Router();
  router.get('/products', async (_req, res) => {
    const products = await services.catalog.listProducts(ctxOf(res).tenantId);
    res.json({ data: products.map(productDto) });
  });
  return router;
}
