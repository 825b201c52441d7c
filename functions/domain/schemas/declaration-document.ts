import Type, { type Static } from 'typebox';
import { type RailImportDeclaration, RailImportDeclarationSchema } from './rail-import.ts';
import {
  type RoadExportDeclaration,
  RoadExportDeclarationSchema,
  type RoadImportDeclaration,
  RoadImportDeclarationSchema,
} from './road.ts';

/** The request body of a filing: one of the types, told apart by `declarationType`. */
export const DeclarationDocumentSchema = Type.Unsafe<
  RailImportDeclaration | RoadExportDeclaration | RoadImportDeclaration
>({
  type: 'object',
  oneOf: [RailImportDeclarationSchema, RoadExportDeclarationSchema, RoadImportDeclarationSchema],
  discriminator: { propertyName: 'declarationType' },
});
export type DeclarationDocument = Static<typeof DeclarationDocumentSchema>;
