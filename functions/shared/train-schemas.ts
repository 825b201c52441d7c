import Type, { type Static } from 'typebox';
import { ActorSchema } from '#domain/schemas/actor.ts';
import { TrainManifestSchema } from '#domain/schemas/train-manifest.ts';
import { TRAIN_STATUS_NAMES } from '#domain/trains.ts';

/** What the API answers about trains. The response types derive from these schemas. */
export const ManifestVersionSchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: '1 as first filed, one more per correction' }),
    filedAt: Type.String({ format: 'date-time' }),
    filedBy: ActorSchema,
    ...TrainManifestSchema.properties,
  },
  { additionalProperties: false, title: 'ManifestVersion' },
);

export const TrainViewSchema = Type.Object(
  {
    trainNumber: Type.String(),
    trainDate: Type.String({ format: 'date' }),
    status: Type.Enum(TRAIN_STATUS_NAMES),
    manifestVersion: Type.Integer({
      minimum: 1,
      description: 'The current manifest version: what the ETag carries and If-Match names',
    }),
    departedAt: Type.String({ format: 'date-time', description: 'From the current manifest' }),
    filedAt: Type.String({ format: 'date-time', description: 'When the first manifest was filed' }),
    updatedAt: Type.String({ format: 'date-time' }),
    facts: Type.Record(Type.String(), Type.Unknown(), { description: 'What the port reported about the train' }),
    manifest: ManifestVersionSchema,
    links: Type.Object({
      self: Type.String({ description: 'The train with its current manifest' }),
      manifest: Type.String({ description: 'Where the railway files a correction' }),
    }),
  },
  {
    additionalProperties: false,
    title: 'Train',
    description: 'A train’s head and one version of its manifest (the current one unless another was asked for)',
  },
);
export type TrainView = Static<typeof TrainViewSchema>;
