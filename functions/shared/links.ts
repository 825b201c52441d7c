interface EventWithPath {
  readonly path: string;
  readonly requestContext: { readonly path?: string };
}

/**
 * A link to another resource of this API, relative to the host the request came to. On AWS the request
 * context's path carries the stage prefix ("/dev/v1/…") that the resource path lacks; locally both agree.
 */
export function linkTo(event: EventWithPath, resourcePath: string): string {
  const fullPath = event.requestContext.path ?? event.path;
  const basePath = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${basePath}${resourcePath}`;
}
