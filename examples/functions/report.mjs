// A module function: Kairos imports this file once and calls the default export per job.
let runs = 0;

export default async function report(payload, ctx) {
  runs++;
  ctx.log(`building ${payload.full ? "full" : "quick"} report for ${payload.region}`);
  ctx.progress(50, "collected");
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, 200);
    ctx.signal.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(ctx.signal.reason);
    });
  });
  // Fail the very first run once to show a retry with backoff.
  if (runs === 1) throw new Error("upstream not ready yet (demo failure, will be retried)");
  return { region: payload.region, rows: 42, attempt: ctx.attempt };
}
