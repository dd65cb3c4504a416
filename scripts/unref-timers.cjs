// Preloaded into Prisma CLI calls: the WASM schema engine leaves a ~10 s timer armed after its work is done,
// which keeps every CLI call alive for 10 s. Unref long timers so the process exits when its work is.
const originalSetTimeout = global.setTimeout;
global.setTimeout = function (fn, ms, ...args) {
  const t = originalSetTimeout(fn, ms, ...args);
  if (typeof ms === 'number' && ms >= 5000 && t && typeof t.unref === 'function') t.unref();
  return t;
};
