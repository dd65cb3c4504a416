// A tiny Prisma generator: writes the full datamodel DMMF (ids, enums, relations) to JSON.
// The engineType="client" build of @prisma/client exports a reduced DMMF that @adminjs/prisma cannot use;
// src/surfaces/admin passes this file to AdminJS instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import gh from '@prisma/generator-helper';

gh.generatorHandler({
  onManifest: () => ({ prettyName: 'DMMF JSON for AdminJS', defaultOutput: '../src/generated/dmmf.json' }),
  onGenerate: async (options) => {
    const out = options.generator.output?.value;
    if (!out) throw new Error('dmmf generator: no output path');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ datamodel: options.dmmf.datamodel }));
  },
});
