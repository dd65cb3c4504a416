// Node module-resolution hook (registered by prisma-adapter.ts before @adminjs/prisma is imported).
// @adminjs/prisma does `import { Prisma } from '@prisma/client'`, but our client is generated into
// src/generated/prisma (engineType "client"), so the default `.prisma/client` it re-exports does not exist
// and the import fails. This points that one import, from that one package, at our generated client.
let clientUrl;

export async function initialize(data) {
  clientUrl = data.clientUrl;
}

export async function resolve(specifier, context, nextResolve) {
  if (specifier === '@prisma/client' && clientUrl && context.parentURL && context.parentURL.includes('/node_modules/@adminjs/prisma/')) {
    return nextResolve(clientUrl, context);
  }
  return nextResolve(specifier, context);
}
