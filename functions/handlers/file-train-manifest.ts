import { systemClock } from '#adapters/from-environment.ts';
import { trainStoreFromEnv } from '#adapters/trains-from-environment.ts';
import { manifestEtagOf, manifestVersionOfEtag, trainViewOf } from '#application/train-views.ts';
import { fileManifest } from '#application/trains.ts';
import * as routePaths from '#generated/route-paths.ts';
import { route } from '#generated/routes/fileTrainManifest.ts';
import { httpRoute, json } from '#shared/http.ts';
import { linkTo } from '#shared/links.ts';
import { ProblemError, ruleViolationsProblem } from '#shared/problem.ts';

const ports = { trains: trainStoreFromEnv(), clock: systemClock };

export const handler = httpRoute(route, async ({ event, path, body, headers, caller }) => {
  const train = { trainNumber: path.trainNumber, trainDate: path.trainDate };
  const ifMatch = headers['if-match'];
  const outcome = await fileManifest(ports, {
    train,
    manifest: body,
    caller,
    ...(ifMatch === undefined ? {} : { ifMatch: manifestVersionOfEtag(ifMatch) }),
  });
  switch (outcome.kind) {
    case 'refused':
      throw ruleViolationsProblem('manifest', outcome.violations);
    case 'stale':
      throw new ProblemError('precondition-failed', 'the manifest has changed since the version you name', [
        {
          field: 'if-match',
          rule: 'current-version',
          detail:
            outcome.currentVersion === undefined
              ? 'this train has no manifest yet: file it without If-Match'
              : `the current version is ${manifestEtagOf(outcome.currentVersion)}: read it, then correct it`,
        },
      ]);
    case 'closed':
      throw new ProblemError('conflict', `train ${path.trainNumber} of ${path.trainDate} is ${outcome.head.status}`, [
        {
          field: '',
          rule: 'correctable-until-arrival',
          detail: `the manifest can no longer be corrected: version ${outcome.head.manifestVersion} stands`,
        },
      ]);
    default:
      return json(
        outcome.kind === 'created' ? 201 : 200,
        trainViewOf(outcome, {
          self: linkTo(event, routePaths.getTrain, train),
          manifest: linkTo(event, routePaths.fileTrainManifest, train),
        }),
        { etag: manifestEtagOf(outcome.head.manifestVersion) },
      );
  }
});
