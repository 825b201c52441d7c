import { trainStoreFromEnv } from '#adapters/trains-from-environment.ts';
import { manifestEtagOf, trainViewOf } from '#application/train-views.ts';
import { readTrain } from '#application/trains.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/getTrain.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError } from '#shared/problem.ts';

const ports = { trains: trainStoreFromEnv() };

export const handler = httpRoute(route, async ({ event, path, query }) => {
  const train = { trainNumber: path.trainNumber, trainDate: path.trainDate };
  const found = await readTrain(ports, {
    train,
    ...(query.manifestVersion === undefined ? {} : { manifestVersion: query.manifestVersion }),
  });
  if (found === undefined) {
    throw new ProblemError(
      'not-found',
      query.manifestVersion === undefined
        ? `no manifest is on file for train ${path.trainNumber} of ${path.trainDate}`
        : `train ${path.trainNumber} of ${path.trainDate} has no manifest version ${query.manifestVersion}`,
    );
  }
  return json(
    200,
    trainViewOf(found, {
      self: linkTo(event, routePaths.getTrain, train),
      manifest: linkTo(event, routePaths.fileTrainManifest, train),
    }),
    { etag: manifestEtagOf(found.head.manifestVersion) },
  );
});
