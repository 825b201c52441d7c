interface EventWithPath {
  readonly path: string;
  readonly requestContext: { readonly path?: string };
}

/** A route's path with its parameters filled in, e.g. /v1/declarations/DCL-… */
export function pathOf(
  route: { readonly operationId: string; readonly path: string },
  parameters: Readonly<Record<string, string>> = {},
): string {
  return route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const value = parameters[name];
    if (value === undefined) throw new Error(`${route.operationId} needs the path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/**
 * A link to an operation of this API, relative to the host the request came to. On AWS the request
 * context's path carries the stage prefix ("/dev/v1/…") that the resource path lacks; locally both agree.
 */
export function linkTo(
  event: EventWithPath,
  route: { readonly operationId: string; readonly path: string },
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
