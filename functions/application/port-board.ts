import type { DeclarationType } from '#domain/declaration-types/registry.ts';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import { boardTypesFor, type TransportMode } from '#domain/port-board.ts';
import type { Caller, DeclarationRecord, Page } from './ports.ts';

/** What moves the goods, from the declaration's current document: its train, or its truck's plate. */
export interface BoardTransport {
  readonly train?: { readonly trainNumber: string; readonly trainDate: string };
  readonly plate?: string;
}

/** A declaration as the board lists it: its head (what the index projects) and its transport. */
export interface BoardEntry {
  readonly record: Omit<DeclarationRecord, 'resumeStatus'>;
  readonly transport: BoardTransport;
}

/** The port's board: every broker's declaration heads, the latest change first. */
export interface PortBoard {
  list(query: {
    /** Only these types; never empty. */
    readonly types: readonly DeclarationType[];
    readonly status?: DeclarationStatus;
    readonly limit: number;
    readonly cursor?: string;
  }): Promise<Page<BoardEntry>>;
}

/**
 * One page of the port's board as the caller may follow it: the types one of its roles sees at least the
 * transport part of (the railway no truck), narrowed to the mode, type and status asked for.
 */
export async function listPortDeclarations(
  ports: { readonly board: PortBoard },
  input: {
    readonly caller: Pick<Caller, 'roles'>;
    readonly mode?: TransportMode;
    readonly declarationType?: DeclarationType;
    readonly status?: DeclarationStatus;
    readonly limit: number;
    readonly cursor?: string;
  },
): Promise<Page<BoardEntry>> {
  const types = boardTypesFor([...input.caller.roles], {
    ...(input.mode === undefined ? {} : { mode: input.mode }),
    ...(input.declarationType === undefined ? {} : { declarationType: input.declarationType }),
  });
  if (types.length === 0) return { items: [] };
  return ports.board.list({
    types,
    limit: input.limit,
    ...(input.status === undefined ? {} : { status: input.status }),
    ...(input.cursor === undefined ? {} : { cursor: input.cursor }),
  });
}
