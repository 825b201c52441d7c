/**
 * How API Gateway (REST) picks the method that answers a request: first the resource, by specificity, then
 * the method on that resource. A literal path segment beats a `{param}` segment, which beats a `{proxy+}`
 * greedy one, whatever order the resources were defined in. A path that matches no resource, or a resource
 * without the request's method (nor ANY), gets API Gateway's 403 "Missing Authentication Token".
 */
export interface RoutableMethod {
  readonly httpMethod: string;
  /** Resource path with API Gateway's placeholders, e.g. "/v1/declarations/{id}" or "/files/{path+}". */
  readonly resourcePath: string;
}

export type RouteMatch<R extends RoutableMethod> =
  | { readonly kind: 'matched'; readonly route: R; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'no-route' }
  | { readonly kind: 'malformed-path'; readonly message: string };

type Segment =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

/** Lower is more specific; compared segment by segment, the first difference decides. */
const SPECIFICITY = { literal: 0, param: 1, greedy: 2 } as const;

export function matchRoute<R extends RoutableMethod>(
  routes: readonly R[],
  method: string,
  pathname: string,
): RouteMatch<R> {
  const requestSegments = segmentsOf(pathname);
  let best: { resourcePath: string; rank: number[]; raw: Record<string, string> } | undefined;
  for (const resourcePath of new Set(routes.map((route) => route.resourcePath))) {
    const matched = matchResource(parseTemplate(resourcePath), requestSegments);
    if (matched === undefined) continue;
    if (best === undefined || compareRanks(matched.rank, best.rank) < 0) best = { resourcePath, ...matched };
  }
  if (best === undefined) return { kind: 'no-route' };
  const onResource = routes.filter((route) => route.resourcePath === best.resourcePath);
  const route =
    onResource.find((candidate) => candidate.httpMethod === method) ??
    onResource.find((candidate) => candidate.httpMethod === 'ANY');
  // API Gateway does not fall back to a less specific resource that has the method: the resource is chosen first.
  if (route === undefined) return { kind: 'no-route' };
  const pathParameters: Record<string, string> = {};
  for (const [name, raw] of Object.entries(best.raw)) {
    try {
      pathParameters[name] = decodeURIComponent(raw);
    } catch {
      return { kind: 'malformed-path', message: `Invalid percent-encoding in path parameter ${name}` };
    }
  }
  return { kind: 'matched', route, pathParameters };
}

function segmentsOf(pathname: string): string[] {
  const trimmed = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
  return trimmed === '/' ? [] : trimmed.slice(1).split('/');
}

function parseTemplate(resourcePath: string): Segment[] {
  return segmentsOf(resourcePath).map((part): Segment => {
    const greedy = /^\{(\w+)\+\}$/.exec(part);
    if (greedy?.[1] !== undefined) return { kind: 'greedy', name: greedy[1] };
    const param = /^\{(\w+)\}$/.exec(part);
    if (param?.[1] !== undefined) return { kind: 'param', name: param[1] };
    return { kind: 'literal', text: part };
  });
}

function matchResource(
  template: readonly Segment[],
  request: readonly string[],
): { rank: number[]; raw: Record<string, string> } | undefined {
  const rank: number[] = [];
  const raw: Record<string, string> = {};
  for (const [index, segment] of template.entries()) {
    const value = request[index];
    if (value === undefined || value === '') return undefined;
    rank.push(SPECIFICITY[segment.kind]);
    if (segment.kind === 'literal') {
      if (value !== segment.text) return undefined;
    } else if (segment.kind === 'param') {
      raw[segment.name] = value;
    } else {
      // A greedy segment is always last and takes the rest of the path.
      raw[segment.name] = request.slice(index).join('/');
      return { rank, raw };
    }
  }
  return template.length === request.length ? { rank, raw } : undefined;
}

function compareRanks(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  // Same kinds all along the shorter one: the longer (deeper) resource is the more specific.
  return b.length - a.length;
}
