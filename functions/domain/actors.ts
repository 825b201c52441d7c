import type { Actor } from './schemas/actor.ts';

export type { Actor };

export function systemActor(component: string): Actor {
  return { kind: 'system', id: component };
}
