import Type, { type Static } from 'typebox';
import { DECLARATION_TYPE_NAMES } from '#domain/declaration-types/registry.ts';
import { STATUS_NAMES, TRACK_STATES } from '#domain/lifecycle.ts';
import { SLA_STATES } from '#domain/officer-tasks.ts';
import { ROAD_RELEASE_TARGET_HOURS, TRANSPORT_MODES } from '#domain/port-board.ts';
import { RISK_CHANNELS } from '#domain/risk.ts';
import { pageOf } from './api-schemas.ts';

/** What the port's board answers about each declaration: where it is, what carries it, and its clock. */
export const PortDeclarationItemSchema = Type.Object(
  {
    id: Type.String(),
    declarationNumber: Type.String(),
    declarationType: Type.Enum(DECLARATION_TYPE_NAMES),
    mode: Type.Enum([...TRANSPORT_MODES]),
    status: Type.Enum(STATUS_NAMES),
    riskChannel: Type.Optional(Type.Enum([...RISK_CHANNELS])),
    tracks: Type.Optional(
      Type.Object(
        {
          transshipment: Type.Enum([...TRACK_STATES.transshipment]),
          inspection: Type.Enum([...TRACK_STATES.inspection]),
        },
        { additionalProperties: false },
      ),
    ),
    train: Type.Optional(
      Type.Object(
        { trainNumber: Type.String(), trainDate: Type.String({ format: 'date' }) },
        { additionalProperties: false, description: 'A rail declaration’s train' },
      ),
    ),
    plate: Type.Optional(Type.String({ description: 'A road declaration’s truck' })),
    filedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time', description: 'Its latest change: the board’s order' }),
    arrivedAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Business time the goods reached the port: the train’s arrival, the truck’s gate-in',
      }),
    ),
    releasedAt: Type.Optional(Type.String({ format: 'date-time', description: 'Business time of the release' })),
    clock: Type.Optional(
      Type.Object(
        {
          name: Type.Enum(['RELEASE', 'ROAD_RELEASE'], {
            description: `RELEASE: the rail SLA from arrival (16 h unless configured); ROAD_RELEASE: a truck’s target from gate-in (${ROAD_RELEASE_TARGET_HOURS} h)`,
          }),
          startedAt: Type.String({ format: 'date-time' }),
          dueAt: Type.String({ format: 'date-time' }),
          state: Type.Enum([...SLA_STATES], {
            description:
              'Released: OK if by the deadline, else BREACHED. Not yet: OK, APPROACHING once the configured share of the time is used, BREACHED after the deadline',
          }),
        },
        { additionalProperties: false, description: 'From the goods’ arrival on; absent before' },
      ),
    ),
    links: Type.Object({ self: Type.String() }),
  },
  { additionalProperties: false, title: 'PortDeclaration' },
);
export type PortDeclarationItem = Static<typeof PortDeclarationItemSchema>;

export const PortDeclarationPageSchema = pageOf(PortDeclarationItemSchema, 'PortDeclarationPage');
export type PortDeclarationPage = Static<typeof PortDeclarationPageSchema>;
