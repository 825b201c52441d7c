import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { BOARD_INDEX, KEYS } from '#adapters/table-layout.ts';
import { WORKFLOW_IDS } from '#domain/declaration-types/registry.ts';
import { slotCalendarSettingsOf } from '#domain/slot-calendar.ts';
import { ENV } from '#shared/env.ts';
import { type OperationId, ROUTE_LIST, ROUTES } from '#shared/routes.ts';
import type { StageSettings } from '../config.ts';
import { BrokerApi } from '../constructs/broker-api.ts';
import { followPortEventsFromStream } from '../constructs/port-event-fan-out.ts';
import { PreClearanceFunction } from '../constructs/pre-clearance-function.ts';
import { RailImportWorkflow, type ResumableWorkflow } from '../constructs/rail-import-workflow.ts';
import { RoadWorkflow } from '../constructs/road-workflow.ts';
import { DECLARATIONS_TABLE_ACCESS, IDEMPOTENCY_TABLE_ACCESS, type TableAction } from '../constructs/table-access.ts';
import { WebhookNotifications } from '../constructs/webhook-notifications.ts';
import { WorkflowCommandRunner } from '../constructs/workflow-command-runner.ts';

export interface StatelessStackProps extends StackProps {
  readonly settings: StageSettings;
  readonly declarationsTable: ITable;
  readonly idempotencyTable: ITable;
  readonly userPool: IUserPool;
}

/** Functions, the workflows and the API: everything that can be rebuilt from source at any time. */
export class StatelessStack extends Stack {
  readonly api: BrokerApi;
  readonly workflows: readonly ResumableWorkflow[];
  readonly notifications: WebhookNotifications;
  /** The officers' steps, for the clearance workflows to use (the rail workflow's officer and documents waits). */
  readonly officerSteps: {
    readonly openOfficerTask: PreClearanceFunction;
    readonly escalateOfficerTask: PreClearanceFunction;
    readonly awaitBrokerDocuments: PreClearanceFunction;
  };

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { declarationsTable, idempotencyTable, settings } = props;
    const access = DECLARATIONS_TABLE_ACCESS;
    const fn = (id: string, handler: string, description: string) =>
      new PreClearanceFunction(this, id, { handler, description });
    // Each function gets the declarations table with exactly the actions of the operations it performs.
    const declarations = (...operations: (readonly TableAction[])[]) =>
      [operations.flat(), ENV.declarationsTable] as const;

    // The task functions every workflow shares; the declaration's type tells them what to do.
    const step = (id: string, handler: string, description: string, extra: readonly TableAction[] = []) =>
      fn(id, handler, description).bindTable(
        declarationsTable,
        ...declarations(access.readDeclaration, access.saveStatusChange, extra),
      );
    const steps = {
      assessRisk: step(
        'AssessRiskFn',
        'workflow/assess-risk',
        'Workflow: match the manifest, assign the risk channel',
        [...access.readTraderHistory, ...access.readTrain],
      )
        .addEnvironment(ENV.riskRandomSelection, JSON.stringify(settings.riskRandomSelection))
        .addEnvironment(ENV.riskSelectionSeed, settings.riskSelectionSeed),
      // A road wait also finds the booking (the gate expects its truck) and the waits on a plate.
      awaitMilestone: step('AwaitMilestoneFn', 'workflow/await-milestone', 'Workflow: wait for the port', [
        ...access.awaitMilestone,
        ...access.readSlotBooking,
        ...access.reportMilestone,
      ]),
      recordTransition: step('RecordTransitionFn', 'workflow/record-transition', 'Workflow: record a stage', [
        ...access.recordClearance,
        ...access.closeManifestLine,
      ]),
    };
    const slaEnvironment = (f: PreClearanceFunction) =>
      f
        .addEnvironment(ENV.slaTransshipmentHours, String(settings.slaHours.TRANSSHIPMENT.hours))
        .addEnvironment(ENV.slaReleaseHours, String(settings.slaHours.RELEASE.hours));
    slaEnvironment(steps.awaitMilestone);
    // The slot calendar is configuration: each function that decides on hours is told all of it.
    const calendar = slotCalendarSettingsOf(settings.slotCalendar);
    const slotCalendarEnvironment = (f: PreClearanceFunction) =>
      f
        .addEnvironment(ENV.portTimeZone, calendar.timeZone)
        .addEnvironment(ENV.freightHours, calendar.freightHours)
        .addEnvironment(ENV.daytimeFreightHours, calendar.daytimeHours)
        .addEnvironment(ENV.slotCapacityPerHour, calendar.capacityPerHour)
        .addEnvironment(ENV.slotNoShowGraceMinutes, calendar.noShowGraceMinutes);
    const flagSlaBreach = step('FlagSlaBreachFn', 'workflow/flag-sla-breach', 'Workflow: flag a missed deadline');

    // An officer's task and the wait for a broker's documents: each may resume its own wait when the decision or
    // the documents came first; escalation only moves the task to the supervisors' queue.
    this.officerSteps = {
      openOfficerTask: step(
        'OpenOfficerTaskFn',
        'open-officer-task',
        'Workflow: wait for an officer',
        access.officerTasks,
      ),
      escalateOfficerTask: fn(
        'EscalateOfficerTaskFn',
        'escalate-officer-task',
        'Workflow: escalate to a supervisor',
      ).bindTable(declarationsTable, ...declarations(access.officerTasks)),
      awaitBrokerDocuments: fn(
        'AwaitBrokerDocumentsFn',
        'await-broker-documents',
        'Workflow: wait for documents',
      ).bindTable(declarationsTable, ...declarations(access.officerTasks)),
    };

    const workflowName = (workflow: string) => `preclearance-${settings.stage}-${workflow}`;
    this.workflows = WORKFLOW_IDS.map((workflow) =>
      workflow === 'rail-import'
        ? new RailImportWorkflow(this, `Workflow-${workflow}`, {
            steps: { screen: steps.assessRisk, ...steps, flagSlaBreach, ...this.officerSteps },
            arrivalTimeout: settings.arrivalTimeout,
            completionPeriod: Duration.seconds(Math.ceil(settings.twoStepCompletion.days * 86_400)),
            stateMachineName: workflowName(workflow),
          })
        : new RoadWorkflow(this, `Workflow-${workflow}`, {
            steps: { ...steps, ...this.officerSteps },
            milestoneTimeout: settings.arrivalTimeout,
            stateMachineName: workflowName(workflow),
          }),
    );
    // The wait step may resume its own task when the port reported before the workflow got there.
    for (const workflow of this.workflows) workflow.grantTaskResponseByName(steps.awaitMilestone);

    for (const workflow of this.workflows) {
      workflow.grantTaskResponseByName(this.officerSteps.openOfficerTask);
      workflow.grantTaskResponseByName(this.officerSteps.awaitBrokerDocuments);
    }

    // A train's recorded event moves on every declaration on the train, and an amendment or a two-step completion
    // resumes its workflow (a completion also closes an officer's follow-up of it), off the reporter's request:
    // the table's stream is the outbox.
    const followPortEvents = slaEnvironment(
      fn('FollowPortEventsFn', 'follow-port-events', 'Workflow: fan a train event out to its declarations'),
    ).bindTable(
      declarationsTable,
      ...declarations(
        access.readDeclaration,
        access.saveStatusChange,
        access.awaitMilestone,
        access.reportMilestone,
        access.officerTasks,
        access.readSlotBooking,
      ),
    );
    for (const workflow of this.workflows) workflow.grantTaskResponseByName(followPortEvents);
    followPortEventsFromStream(followPortEvents, declarationsTable);

    // The request functions start, stop and resume workflows through queued commands, carried out from the stream.
    new WorkflowCommandRunner(this, 'WorkflowCommands', { declarationsTable, workflows: this.workflows });

    // Every status change, from the outbox to each webhook of its broker.
    this.notifications = new WebhookNotifications(this, 'Notifications', {
      declarationsTable,
      stateMachineName: `preclearance-${settings.stage}-webhook-delivery`,
      allowLoopbackWebhooks: settings.allowLoopbackWebhooks,
      retryInterval: settings.webhookRetryInterval,
    });

    // One function per route of the registry, then what each needs; the Record makes the list exhaustive.
    const functions = Object.fromEntries(
      ROUTE_LIST.map((route) => [
        route.operationId,
        fn(`${pascalCase(route.operationId)}Fn`, route.handler, `${route.method} ${route.path}`),
      ]),
    ) as Record<OperationId, PreClearanceFunction>;
    const bindings: Record<OperationId, (fn: PreClearanceFunction) => void> = {
      fileDeclaration: (f) => {
        f.bindTable(
          declarationsTable,
          ...declarations(access.fileDeclaration, access.allocateDeclarationNumber, access.queueWorkflowCommand),
        )
          .bindTable(idempotencyTable, IDEMPOTENCY_TABLE_ACCESS, ENV.idempotencyTable)
          .addEnvironment(ENV.customsCode, settings.customsCode)
          // A two-step summary is filed with the date its complete declaration is due.
          .addEnvironment(ENV.twoStepCompletionDays, String(settings.twoStepCompletion.days));
      },
      listDeclarations: (f) =>
        f.bindTable(declarationsTable, ...declarations(access.listForBroker), {
          indexes: [KEYS.brokerIndex.name],
        }),
      getDeclaration: (f) =>
        f.bindTable(declarationsTable, ...declarations(access.readDeclaration, access.readHistory)),
      amendDeclaration: (f) =>
        f.bindTable(
          declarationsTable,
          ...declarations(access.readDeclaration, access.readHistory, access.amendDocument),
        ),
      reportPortEvent: (f) => {
        f.bindTable(
          declarationsTable,
          // A truck's gate-in or exit reads its declaration and booking and records the stage (or the hold).
          ...declarations(
            access.reportMilestone,
            access.readTrain,
            access.saveManifest,
            access.queueWorkflowCommand,
            access.readDeclaration,
            access.readSlotBooking,
            access.saveStatusChange,
          ),
        )
          .bindTable(idempotencyTable, IDEMPOTENCY_TABLE_ACCESS, ENV.idempotencyTable)
          .addEnvironment(ENV.gateWeightTolerancePercent, String(settings.gateWeightTolerancePercent));
        // A truck at the gate outside the freight hours (daytime mode) is cleared from the opening.
        f.addEnvironment(ENV.portTimeZone, calendar.timeZone)
          .addEnvironment(ENV.freightHours, calendar.freightHours)
          .addEnvironment(ENV.daytimeFreightHours, calendar.daytimeHours);
      },
      listEvents: (f) => f.bindTable(declarationsTable, ...declarations(access.readEventFeed)),
      registerWebhook: (f) =>
        f
          .bindTable(declarationsTable, ...declarations(access.registerWebhook))
          .bindTable(idempotencyTable, IDEMPOTENCY_TABLE_ACCESS, ENV.idempotencyTable)
          .addEnvironment(ENV.allowLoopbackWebhooks, String(settings.allowLoopbackWebhooks)),
      listWebhooks: (f) => f.bindTable(declarationsTable, ...declarations(access.listWebhooks)),
      deleteWebhook: (f) => f.bindTable(declarationsTable, ...declarations(access.deleteWebhook)),
      listWebhookDeliveries: (f) =>
        f.bindTable(declarationsTable, ...declarations(access.findWebhook, access.readDeliveryLog)),
      fileTrainManifest: (f) => f.bindTable(declarationsTable, ...declarations(access.readTrain, access.saveManifest)),
      getTrain: (f) => f.bindTable(declarationsTable, ...declarations(access.readTrain)),
      listOfficerTasks: (f) =>
        f
          .bindTable(declarationsTable, ...declarations(access.listOfficerQueue), { indexes: [KEYS.queueIndex.name] })
          .addEnvironment(ENV.slaApproachingShare, String(settings.slaApproachingShare)),
      // A decision reads the declaration (and its history when a retry finishes one), writes the task and the
      // status changes, and resumes the waiting workflow.
      decideOnDeclaration: (f) => {
        f.bindTable(
          declarationsTable,
          ...declarations(
            access.readDeclaration,
            access.readHistory,
            access.saveStatusChange,
            access.officerTasks,
            access.queueWorkflowCommand,
          ),
        );
      },
      provideDocuments: (f) => {
        f.bindTable(
          declarationsTable,
          ...declarations(
            access.readDeclaration,
            access.saveStatusChange,
            access.officerTasks,
            access.queueWorkflowCommand,
          ),
        );
      },
      // A completion writes a document version like an amendment; the waiting workflow follows from the stream.
      completeDeclaration: (f) =>
        f.bindTable(
          declarationsTable,
          ...declarations(access.readDeclaration, access.readHistory, access.amendDocument),
        ),
      cancelDeclaration: (f) => {
        f.bindTable(
          declarationsTable,
          ...declarations(
            access.readDeclaration,
            access.saveStatusChange,
            access.awaitMilestone,
            access.officerTasks,
            access.closeManifestLine,
            access.saveManifest,
            access.queueWorkflowCommand,
          ),
        );
      },
      // A booking reads the declaration (head and document) and its booking, then writes the change at once.
      bookSlot: (f) =>
        slotCalendarEnvironment(
          f.bindTable(
            declarationsTable,
            ...declarations(access.readDeclaration, access.readSlotBooking, access.bookSlot),
          ),
        ),
      cancelSlotBooking: (f) =>
        f.bindTable(
          declarationsTable,
          ...declarations(access.readDeclaration, access.readSlotBooking, access.cancelSlotBooking),
        ),
      getSlotBooking: (f) =>
        f.bindTable(declarationsTable, ...declarations(access.readDeclaration, access.readSlotBooking)),
      getSlotAvailability: (f) =>
        slotCalendarEnvironment(f.bindTable(declarationsTable, ...declarations(access.readSlotCalendar))),
      listPortDeclarations: (f) =>
        f
          .bindTable(declarationsTable, ...declarations(access.listPortBoard), { indexes: [BOARD_INDEX.name] })
          .addEnvironment(ENV.slaApproachingShare, String(settings.slaApproachingShare)),
      getDashboard: () => undefined,
      getOpenApi: () => undefined,
    };
    for (const route of ROUTE_LIST) {
      bindings[route.operationId as OperationId](functions[route.operationId as OperationId]);
    }

    this.api = new BrokerApi(this, 'BrokerApi', {
      stage: settings.stage,
      userPool: props.userPool,
      routes: ROUTE_LIST,
      functions,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url });
    new CfnOutput(this, 'OpenApiUrl', { value: `${this.api.restApi.url}${ROUTES.getOpenApi.path.slice(1)}` });
    for (const workflow of this.workflows) {
      new CfnOutput(this, `StateMachineArn-${workflow.workflow}`, { value: workflow.stateMachine.stateMachineArn });
    }
    new CfnOutput(this, 'WebhookDeliveryStateMachineArn', {
      value: this.notifications.delivery.stateMachine.stateMachineArn,
    });
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
