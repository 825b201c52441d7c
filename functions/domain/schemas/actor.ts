import Type, { type Static } from 'typebox';
import { ROLES } from '../roles.ts';

/** Who made a change: a person acting in one of the roles (by their user id), or a component of the system. */
export const ActorSchema = Type.Object(
  {
    kind: Type.Enum([...ROLES, 'system']),
    id: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false, description: 'Who made the change: a user in a role, or a system component' },
);
export type Actor = Static<typeof ActorSchema>;
