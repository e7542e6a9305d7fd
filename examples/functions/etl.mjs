// The tasks of the example workflow `etl` (examples/kairos.yaml): each export is one function.
// A task's handler gets `ctx.run`: the run's id, logical date, data interval, params and the
// results of its direct upstream tasks.

const pause = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export async function extract(payload, ctx) {
  ctx.log(`extracting ${payload.source} for ${ctx.run?.dataInterval.start.toISOString()}`);
  await pause(150, ctx.signal);
  return { source: payload.source, rows: 100 + Math.floor(Math.random() * 50) };
}

export async function transform(payload, ctx) {
  const upstream = ctx.run?.upstream ?? {};
  const rows = Object.values(upstream).reduce((sum, r) => sum + (r?.rows ?? 0), 0);
  ctx.log(`transforming ${rows} rows from ${Object.keys(upstream).join(", ")}`);
  await pause(200, ctx.signal);
  return { rows };
}

let loads = 0;
export async function load(payload, ctx) {
  loads++;
  await pause(100, ctx.signal);
  // Fail the first load once to show a task retry (retryDelay) in the run.
  if (loads === 1) throw new Error("warehouse busy (demo failure, the task will be retried)");
  return { loaded: ctx.run?.upstream.transform?.rows ?? 0, full: payload.full };
}
