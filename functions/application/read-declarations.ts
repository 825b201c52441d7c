import {
  type DeclarationDocument,
  documentAs,
  type Visibility,
  visibilityFor,
} from '#domain/declaration-types/registry.ts';
import type { HistoryEntry } from '#domain/lifecycle.ts';
import { historyWithRiskReasonsFor } from '#domain/risk.ts';
import {
  type Caller,
  type DeclarationQuery,
  type DeclarationRecord,
  type DeclarationStore,
  InvalidQueryError,
  type Page,
} from './ports.ts';

const RANK: Readonly<Record<Visibility, number>> = { none: 0, logistics: 1, full: 2 };

/** The most a caller may see of a declaration over all the roles they hold. */
function visibilityOf(caller: Caller, record: DeclarationRecord): Visibility {
  const isOwner = caller.brokerId !== undefined && caller.brokerId === record.brokerId;
  return [...caller.roles]
    .map((role) => visibilityFor(record.declarationType, role, isOwner))
    .reduce<Visibility>((best, next) => (RANK[next] > RANK[best] ? next : best), 'none');
}

function historyAs(
  caller: Caller,
  visibility: Exclude<Visibility, 'none'>,
  history: readonly HistoryEntry[],
): HistoryEntry[] {
  // Confidential risk rules are the officers' only; the domain decides which rules a broker may be told.
  const told = historyWithRiskReasonsFor(caller.roles, history);
  // Details carry risk rules and document problems: the owner's and the officers' business only.
  return visibility === 'full' ? told : told.map(({ details: _details, ...entry }) => entry);
}

/**
 * A declaration as the caller may see it, or undefined when it does not exist for them: another broker's
 * declaration is reported as absent, so ids cannot be probed across tenants.
 */
export async function readDeclaration(
  ports: { readonly declarations: DeclarationStore },
  input: { readonly id: string; readonly caller: Caller; readonly documentVersion?: number },
): Promise<
  | {
      record: DeclarationRecord;
      /** The version of the document shown: the current one unless an earlier one was asked for. */
      documentVersion: number;
      declaration: Record<string, unknown>;
      history: HistoryEntry[];
    }
  | undefined
> {
  const record = await ports.declarations.load(input.id);
  if (record === undefined) return undefined;
  const visibility = visibilityOf(input.caller, record);
  if (visibility === 'none') return undefined;
  const documentVersion = input.documentVersion ?? record.documentVersion;
  if (documentVersion > record.documentVersion) return undefined;
  const [document, history] = await Promise.all([
    ports.declarations.loadDocument(record.id, documentVersion),
    ports.declarations.loadHistory(record.id),
  ]);
  if (document === undefined) return undefined;
  return {
    record,
    documentVersion,
    declaration: documentAs(visibility, document as DeclarationDocument),
    // The record and its history are two reads: an entry written between them is shown with its record, next time.
    history: historyAs(
      input.caller,
      visibility,
      history.filter((entry) => entry.version <= record.version),
    ),
  };
}

/** A broker's own declarations, newest first, one page at a time. Times are compared in UTC. */
export async function listDeclarations(
  ports: { readonly declarations: DeclarationStore },
  input: { readonly brokerId: string; readonly query: DeclarationQuery },
): Promise<Page<DeclarationRecord>> {
  const utc = (time: string | undefined) => (time === undefined ? undefined : new Date(time).toISOString());
  const { filedFrom, filedTo, ...rest } = input.query;
  const filedFromUtc = utc(filedFrom);
  const filedToUtc = utc(filedTo);
  if (filedFromUtc !== undefined && filedToUtc !== undefined && filedFromUtc > filedToUtc) {
    throw new InvalidQueryError('filedFrom', 'window', 'must not be later than filedTo');
  }
  return ports.declarations.listForBroker(input.brokerId, {
    ...rest,
    ...(filedFromUtc === undefined ? {} : { filedFrom: filedFromUtc }),
    ...(filedToUtc === undefined ? {} : { filedTo: filedToUtc }),
  });
}
