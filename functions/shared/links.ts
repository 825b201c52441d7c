import { pathOf, type RouteDefinition } from './routes.ts';

interface EventWithPath {
  readonly path: string;
  readonly requestContext: { readonly path?: string };
}

/**
 * A link to an operation of this API, relative to the host the request came to. On AWS the request
 * context's path carries the stage prefix ("/dev/v1/…") that the resource path lacks; locally both agree.
 */
export function linkTo(
  event: EventWithPath,
  route: RouteDefinition,
  parameters: Readonly<Record<string, string>> = {},
  query: Readonly<Record<string, string | number | undefined>> = {},
): string {
  const fullPath = event.requestContext.path ?? event.path;
  const basePath = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  const search = new URLSearchParams(
    Object.entries(query).flatMap(([name, value]): [string, string][] =>
      value === undefined ? [] : [[name, String(value)]],
    ),
  ).toString();
  return `${basePath}${pathOf(route, parameters)}${search === '' ? '' : `?${search}`}`;
}
