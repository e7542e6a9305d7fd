/**
 * @module core/workflows
 * The pure workflow core, Airflow's semantics: task and run states, trigger rules on direct
 * upstreams, the compiled run topology, the run planner, run finalization (with deadlock), the
 * deterministic retry delay, and "why isn't it running?". No I/O, no clock: `now` is passed in.
 *
 * Where we differ from Airflow (details in each module's header): no mapped tasks,
 * setup/teardown or depends_on_past; a due `up_for_retry` task is scheduled without re-checking
 * its upstreams; dispatch order is topological then declaration order (no priority weight or
 * pools); retry delays are in ms and hashed over the run id.
 */
export {
  FAILED_TASK_STATES,
  FINISHED_TASK_STATES,
  RUN_STATES,
  TASK_STATES,
  canTransitionRun,
  canTransitionTask,
  isActiveTask,
  isFinishedTask,
  isRunState,
  isTaskState,
  type RunState,
  type TaskState,
} from "./states.js";
export {
  DEFAULT_TRIGGER_RULE,
  TRIGGER_RULES,
  countUpstreams,
  decideTriggerRule,
  isTriggerRule,
  type TriggerDecision,
  type TriggerRule,
  type UpstreamCounts,
} from "./trigger-rules.js";
export { compileTopology, type PlannerTask, type Topology } from "./topology.js";
export {
  planRun,
  type PlanInput,
  type RunPlan,
  type Transition,
  type TransitionReason,
} from "./planner.js";
export { decideRunState, type RunOutcome } from "./run-state.js";
export {
  DEFAULT_RETRIES,
  DEFAULT_RETRY_DELAY_MS,
  MAX_EXPONENTIAL_RETRY_DELAY_MS,
  decideFailedTry,
  retryDelayFor,
  type FailedTryOutcome,
  type RetryDelayPolicy,
  type TryIdentity,
} from "./retry-delay.js";
export { explainTask, type UpstreamState, type WhyAnswer } from "./why.js";
// Definitions, validation, intervals, params and the stored records (used by the runtime).
export {
  WORKFLOW_DEFAULTS,
  normalizeWorkflow,
  parseWorkflowDate,
  type RunSemantics,
  type TaskDeclaration,
  type TaskDefinition,
  type WorkflowDeclaration,
  type WorkflowDefinition,
  type WorkflowSchedule,
} from "./definition.js";
export {
  WORKFLOW_NAME_PATTERN,
  WorkflowValidationError,
  resolveWorkflow,
  validateWorkflow,
  type WorkflowIssue,
} from "./validate-definition.js";
export {
  manualDataInterval,
  planScheduledRuns,
  type DataInterval,
  type RunSlot,
  type ScheduledRunsPlan,
} from "./intervals.js";
export { resolveRunParams, validateRunParams, type ParamsDeclaration } from "./params.js";
export type * from "./store-types.js";
export {
  FailTask,
  SkipTask,
  TASK_FAILED_CODE,
  TASK_SKIPPED_CODE,
  parseTaskTryKey,
  taskTryOrigin,
} from "./task-errors.js";
export { renderTaskPayload, templateIssues, type TaskTemplateVars } from "./payload-template.js";
export { taskDefinitionOf, topologyOf } from "./run-topology.js";
export { decideAdvance, type AdvanceContext, type TaskJobRequest } from "./advance.js";
export {
  decideCancel,
  decideClear,
  decideMark,
  decideNote,
  withDownstream,
  type ClearOptions,
} from "./operations.js";
export { decideDispatchLost, decideOrphan } from "./reapers.js";
export { explainRunTask, type RunWhyAnswer, type RunWhyContext } from "./run-why.js";
