import { route } from '#generated/routes/getOpenApi.ts';
import { httpRoute, json } from '#shared/http.ts';
import { openApiDocument } from '#shared/openapi.ts';

// Built once per execution environment: the registry does not change while a function lives.
let document: ReturnType<typeof openApiDocument> | undefined;

export const handler = httpRoute(route, async ({ event }) => {
  document ??= openApiDocument();
  const stagePrefix = (event.requestContext.path ?? event.path).slice(0, -event.path.length);
  return json(
    200,
    { ...document, servers: [{ url: stagePrefix === '' ? '/' : stagePrefix }] },
    {
      'cache-control': 'public, max-age=300',
    },
  );
});
