/**
 * @module core/workflows/not-found
 * The errors for a workflow or run id that does not exist, saying where to find the real ones.
 */
import { NotFoundError } from "../errors.js";

/** No workflow has this name: the error names it and how to list or declare workflows. */
export function noSuchWorkflow(name: string): NotFoundError {
  return new NotFoundError(
    `no workflow named "${name}"; \`kairos workflows list\` (kairos.workflows.list()) shows ` +
      `the workflows, declared under workflows: in kairos.yaml (then \`kairos apply\`) or with kairos.workflow()`,
  );
}

/** No run has this id: the error names it and how to list runs. */
export function noSuchRun(id: string): NotFoundError {
  return new NotFoundError(
    `no workflow run with id ${id}; \`kairos runs list\` (kairos.runs.list()) shows the run ids`,
  );
}
