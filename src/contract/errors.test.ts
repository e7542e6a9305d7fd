/** The error table's round trip: what the server answers, the HTTP client rebuilds the same. */
import { describe, expect, it } from "vitest";
import { ControlRefusedError } from "../core/errors.js";
import { answerFor, errorFromWire } from "./errors.js";

describe("error answers", () => {
  it("answers a refused stop or start 409 CONTROL_REFUSED and rebuilds it with its reason", () => {
    const refused = new ControlRefusedError("stop_unresolved", "job 7 is still stopping", "12");
    const answer = answerFor(refused, "req-1");
    expect(answer.status).toBe(409);
    expect(answer.body.error).toEqual({
      code: "CONTROL_REFUSED",
      message: "job 7 is still stopping",
      details: { reason: "stop_unresolved", stopId: "12" },
    });
    const rebuilt = errorFromWire(answer.body.error);
    expect(rebuilt).toBeInstanceOf(ControlRefusedError);
    expect(rebuilt).toMatchObject({
      reason: "stop_unresolved",
      stopId: "12",
      code: "CONTROL_REFUSED",
    });
    const finished = errorFromWire(
      answerFor(new ControlRefusedError("finished", "done"), "r").body.error,
    );
    expect(finished).toMatchObject({ reason: "finished", stopId: undefined, message: "done" });
  });

  it("answers a start of a job whose function is unknown 409 and rebuilds reason function_unknown", () => {
    const refused = new ControlRefusedError("function_unknown", "fn gone is not defined");
    const answer = answerFor(refused, "req-2");
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ details: { reason: "function_unknown" } });
    expect(errorFromWire(answer.body.error)).toMatchObject({
      reason: "function_unknown",
      code: "CONTROL_REFUSED",
    });
  });

  it("rebuilds reason function_unavailable", () => {
    const refused = new ControlRefusedError("function_unavailable", "fn broken is unavailable");
    const answer = answerFor(refused, "req-3");
    expect(answer.status).toBe(409);
    expect(errorFromWire(answer.body.error)).toMatchObject({ reason: "function_unavailable" });
  });
});
