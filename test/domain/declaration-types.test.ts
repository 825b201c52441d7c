import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DECLARATION_TYPE_NAMES,
  DECLARATION_TYPES,
  type DeclarationDocument,
  type DeclarationType,
  documentAs,
  lifecycleOf,
  milestoneKeyOf,
  riskAssessmentFor,
  ruleViolationsOf,
  statusesOf,
  visibilityFor,
  WORKFLOW_IDS,
  WORKFLOWS,
  warningsOf,
  workflowOf,
} from '#domain/declaration-types/registry.ts';
import { vinCheckCharacter } from '#domain/identifiers.ts';
import { type DeclarationStatus, STATUS_NAMES } from '#domain/lifecycle.ts';
import { PORT_EVENTS } from '#domain/port-events.ts';
import type { RiskContext } from '#domain/risk.ts';
import { NO_RANDOM_SELECTION } from '#domain/risk-reference-data.ts';
import { ROLES } from '#domain/roles.ts';
import * as routes from '#generated/routes.ts';
import {
  CONTAINERS,
  goodsLine,
  railImportDeclaration,
  roadExportDeclaration,
  roadImportDeclaration,
  VINS,
  withWrongCheckCharacter,
} from '../support/declarations.ts';

/** A valid document of each type, as the builders make it. */
const EXAMPLES: { readonly [K in DeclarationType]: () => Extract<DeclarationDocument, { declarationType: K }> } = {
  RAIL_IMPORT: () => railImportDeclaration(),
  ROAD_EXPORT: () => roadExportDeclaration(),
  ROAD_IMPORT: () => roadImportDeclaration(),
};

/** A document of the type carrying goods of the given HS codes (each in a container the document lists). */
function withGoods(type: DeclarationType, ...hsCodes: string[]): DeclarationDocument {
  return { ...EXAMPLES[type](), goods: hsCodes.map((hsCode) => goodsLine(hsCode)) };
}

const rulesOf = (violations: readonly { pointer: string; rule: string }[]) =>
  violations.map(({ pointer, rule }) => ({ pointer, rule }));

describe('the registry of declaration types', () => {
  it('knows rail imports and road exports and imports', () => {
    assert.deepEqual([...DECLARATION_TYPE_NAMES].sort(), ['RAIL_IMPORT', 'ROAD_EXPORT', 'ROAD_IMPORT']);
  });

  it('runs every type in one of the workflows, and every workflow for some type', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      assert.ok(WORKFLOW_IDS.includes(workflowOf(type)), type);
    }
    assert.deepEqual(
      [...new Set(DECLARATION_TYPE_NAMES.map(workflowOf))].sort(),
      [...WORKFLOW_IDS].sort(),
      'no workflow is left without a type',
    );
    assert.equal(workflowOf('RAIL_IMPORT'), 'rail-import');
    assert.equal(workflowOf('ROAD_EXPORT'), 'road');
    assert.equal(workflowOf('ROAD_IMPORT'), 'road');
  });

  it('has each workflow wait for a milestone the port can report: the train for rail, the gate for road', () => {
    for (const id of WORKFLOW_IDS) assert.ok(Object.hasOwn(PORT_EVENTS, WORKFLOWS[id].awaits), id);
    assert.equal(WORKFLOWS['rail-import'].awaits, 'TRAIN_ARRIVED');
    assert.equal(WORKFLOWS.road.awaits, 'TRUCK_GATED_IN');
  });

  it('matches a rail import on its waybill and a road declaration on the truck’s plate', () => {
    assert.equal(milestoneKeyOf(railImportDeclaration({ waybillNumber: 'SMGS-555001' })), 'SMGS-555001');
    assert.equal(milestoneKeyOf(roadExportDeclaration({ truck: { plate: '123ABC02', country: 'KZ' } })), '123ABC02');
    assert.equal(milestoneKeyOf(roadImportDeclaration({ truck: { plate: 'XJA12345', country: 'CN' } })), 'XJA12345');
  });

  it('gives every type a lifecycle that starts with filing and runs from received to released', () => {
    const stages: Record<'RAIL' | 'ROAD', readonly string[]> = {
      RAIL: ['RECEIVED', 'RISK_ASSESSED', 'AWAITING_ARRIVAL', 'ARRIVED', 'DUTIES_SECURED', 'RELEASED'],
      ROAD: ['RECEIVED', 'RISK_ASSESSED', 'SLOT_BOOKED', 'GATED_IN', 'DUTIES_SECURED', 'RELEASED', 'EXITED', 'CLOSED'],
    };
    for (const type of DECLARATION_TYPE_NAMES) {
      assert.equal(lifecycleOf(type)[0], 'FILE', type);
      for (const status of stages[DECLARATION_TYPES[type].mode]) {
        assert.ok(statusesOf(type).includes(status as DeclarationStatus), `${type} reaches ${status}`);
      }
    }
    assert.deepEqual(
      statusesOf('RAIL_IMPORT'),
      STATUS_NAMES.filter((status) => !['SLOT_BOOKED', 'GATED_IN', 'EXITED', 'CLOSED'].includes(status)),
      'rail goes through every stage but the highway’s',
    );
    assert.equal(statusesOf('ROAD_EXPORT').includes('AWAITING_ARRIVAL'), false, 'a truck waits at the gate instead');
    assert.equal(statusesOf('ROAD_EXPORT').includes('MANIFEST_MATCHED'), false, 'a truck has no train manifest');
  });

  it('describes each type by its mode and direction', () => {
    assert.deepEqual(
      DECLARATION_TYPE_NAMES.map((type) => [type, DECLARATION_TYPES[type].mode, DECLARATION_TYPES[type].direction]),
      [
        ['RAIL_IMPORT', 'RAIL', 'IMPORT'],
        ['ROAD_EXPORT', 'ROAD', 'EXPORT'],
        ['ROAD_IMPORT', 'ROAD', 'IMPORT'],
      ],
    );
  });

  it('is what the builders of these tests make: documents the filing API accepts', () => {
    const validate = routes.fileDeclaration.validators.body;
    assert.ok(validate);
    for (const type of DECLARATION_TYPE_NAMES) {
      const document = EXAMPLES[type]();
      assert.equal(validate(document), true, `${type}: ${JSON.stringify(validate.errors)}`);
      assert.deepEqual(ruleViolationsOf(document), [], type);
      assert.deepEqual(warningsOf(document), [], type);
    }
  });
});

describe('who sees what of a declaration', () => {
  it('shows the filing broker all of its own declaration, and another broker nothing', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      assert.equal(visibilityFor(type, 'broker', true), 'full', type);
      assert.equal(visibilityFor(type, 'broker', false), 'none', type);
    }
  });

  it('shows customs officers every declaration in full', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      for (const isOwner of [true, false]) assert.equal(visibilityFor(type, 'officer', isOwner), 'full', type);
    }
  });

  it('shows the railway the transport of rail imports, and road declarations not at all', () => {
    assert.equal(visibilityFor('RAIL_IMPORT', 'railway', false), 'logistics');
    assert.equal(visibilityFor('ROAD_EXPORT', 'railway', false), 'none');
    assert.equal(visibilityFor('ROAD_IMPORT', 'railway', false), 'none');
  });

  it('shows the port operator the transport of every type', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      assert.equal(visibilityFor(type, 'port-operator', false), 'logistics', type);
    }
  });

  it('decides for every role and type', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      for (const role of ROLES) {
        assert.ok(['full', 'logistics', 'none'].includes(visibilityFor(type, role, false)), `${type} ${role}`);
      }
    }
  });

  it('gives the full view as the document itself', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      const document = EXAMPLES[type]();
      assert.deepEqual(documentAs('full', document), document, type);
    }
  });

  it('keeps goods values, parties and the driver out of every logistics view', () => {
    for (const type of DECLARATION_TYPE_NAMES) {
      const document = EXAMPLES[type]();
      const view = documentAs('logistics', document);
      for (const field of ['goods', 'consignor', 'consignee', 'driver', 'incoterm']) {
        assert.equal(Object.hasOwn(view, field), false, `${type} shows ${field}`);
      }
      const text = JSON.stringify(view);
      for (const secret of [
        document.consignee?.name ?? 'no consignee',
        document.consignor?.name ?? 'no consignor',
        'Serik Nurlanov',
        'N12345678',
        String(document.goods[0]?.value?.amount),
      ]) {
        assert.equal(text.includes(secret), false, `${type} shows ${secret}`);
      }
      assert.equal(view.declarationType, type);
    }
  });

  it('shows the railway a rail import’s train, waybill, expected arrival, containers and where it is cleared', () => {
    assert.deepEqual(documentAs('logistics', railImportDeclaration()), {
      declarationType: 'RAIL_IMPORT',
      filingMode: 'COMPLETE',
      train: { trainNumber: 'X8001', trainDate: '2025-02-27' },
      waybillNumber: 'SMGS-24117790',
      waybillKind: 'CIM_SMGS',
      expectedArrivalAt: '2025-03-01T06:00:00Z',
      containers: [{ number: CONTAINERS.first }],
      clearance: { at: 'INLAND', customsOffice: '6501' },
    });
  });

  it('shows the gate a road export’s truck, transit document and the VINs of the cars, nothing more of them', () => {
    assert.deepEqual(documentAs('logistics', roadExportDeclaration()), {
      declarationType: 'ROAD_EXPORT',
      truck: { plate: '777ABD02', country: 'KZ' },
      transitDocument: { type: 'TIR', number: 'XZ-81234567' },
      expectedGateAt: '2025-03-01T08:00:00+06:00',
      vehicles: [{ vin: VINS.chinese }, { vin: VINS.otherChinese }],
    });
  });

  it('shows the gate a road import’s truck, trailer and containers', () => {
    const view = documentAs('logistics', roadImportDeclaration({ trailerPlate: '0838KZ01' }));

    assert.deepEqual(view, {
      declarationType: 'ROAD_IMPORT',
      truck: { plate: '0837KZ01', country: 'KZ' },
      trailerPlate: '0838KZ01',
      transitDocument: { type: 'TIR', number: 'XZ-81234567' },
      expectedGateAt: '2025-03-01T08:00:00+06:00',
      containers: [{ number: CONTAINERS.second }],
    });
  });
});

describe('rules a document must keep, per type', () => {
  it('refuses a container listed twice, at its second mention, on a rail or road import', () => {
    const containers = [{ number: CONTAINERS.first }, { number: CONTAINERS.second }, { number: CONTAINERS.first }];
    for (const document of [
      railImportDeclaration({ containers, goods: [goodsLine('85171300')] }),
      roadImportDeclaration({ containers, goods: [goodsLine('85171300')] }),
    ]) {
      const violations = ruleViolationsOf(document);
      assert.deepEqual(rulesOf(violations), [{ pointer: '/containers/2/number', rule: 'unique-container' }]);
      assert.match(violations[0]?.detail ?? '', /CSQU3054383/);
    }
  });

  it('refuses a goods line in a container the declaration does not list', () => {
    const goods = [goodsLine('85171300'), goodsLine('84713000', { containerNumber: CONTAINERS.second })];
    for (const document of [
      railImportDeclaration({ containers: [{ number: CONTAINERS.first }], goods }),
      roadExportDeclaration({ containers: [{ number: CONTAINERS.first }], goods }),
      roadImportDeclaration({ containers: undefined, goods }),
    ]) {
      const violations = ruleViolationsOf(document);
      assert.deepEqual(rulesOf(violations), [{ pointer: '/goods/1/containerNumber', rule: 'declared-container' }]);
      assert.match(violations[0]?.detail ?? '', /MSKU9070323/);
    }
  });

  it('refuses a car made in China whose VIN carries the wrong check digit, naming the right one', () => {
    const badVin = withWrongCheckCharacter(VINS.otherChinese);
    const document = roadExportDeclaration({ vehicles: [{ vin: VINS.chinese }, { vin: badVin }] });

    const violations = ruleViolationsOf(document);

    assert.deepEqual(rulesOf(violations), [{ pointer: '/vehicles/1/vin', rule: 'vin-check-digit' }]);
    assert.match(violations[0]?.detail ?? '', new RegExp(`check character ${vinCheckCharacter(badVin)} at position 9`));
    assert.deepEqual(warningsOf(document), [], 'a refusal is not also a warning');
  });

  it('only warns about a foreign car whose VIN carries the wrong check digit', () => {
    const document = roadExportDeclaration({ vehicles: [{ vin: withWrongCheckCharacter(VINS.german) }] });

    assert.deepEqual(ruleViolationsOf(document), []);
    assert.deepEqual(rulesOf(warningsOf(document)), [{ pointer: '/vehicles/0/vin', rule: 'vin-check-digit' }]);
  });

  it('refuses a VIN listed twice, at its second mention', () => {
    const document = roadExportDeclaration({
      vehicles: [{ vin: VINS.chinese }, { vin: VINS.german }, { vin: VINS.chinese }],
    });

    assert.deepEqual(rulesOf(ruleViolationsOf(document)), [{ pointer: '/vehicles/2/vin', rule: 'unique-vin' }]);
  });

  it('accepts a road export without vehicles (a truck of general cargo)', () => {
    assert.deepEqual(ruleViolationsOf(roadExportDeclaration({ vehicles: undefined })), []);
  });

  it('reports every broken rule at once, so the broker can fix the document in one go', () => {
    const document = roadExportDeclaration({
      containers: [{ number: CONTAINERS.first }, { number: CONTAINERS.first }],
      goods: [goodsLine('87032390', { containerNumber: CONTAINERS.second })],
      vehicles: [{ vin: withWrongCheckCharacter(VINS.chinese) }, { vin: VINS.german }, { vin: VINS.german }],
    });

    assert.deepEqual(
      ruleViolationsOf(document).map((violation) => violation.rule),
      ['unique-container', 'declared-container', 'vin-check-digit', 'unique-vin'],
    );
  });

  it('warns about nothing on imports, which carry no vehicles', () => {
    assert.deepEqual(warningsOf(railImportDeclaration()), []);
    assert.deepEqual(warningsOf(roadImportDeclaration()), []);
  });
});

describe('the risk profile, per type', () => {
  const regular: RiskContext = {
    declarationId: 'DCL-0123456789ABCDEF01234567',
    consigneeHasClearedBefore: true,
    randomSelection: { rates: NO_RANDOM_SELECTION, seed: 'test' },
  };
  const riskOf = (document: DeclarationDocument, context: RiskContext = regular) =>
    riskAssessmentFor(document, context);

  for (const type of DECLARATION_TYPE_NAMES) {
    it(`${type}: sends arms and ammunition (chapter 93) to the red channel, naming the rule`, () => {
      const assessment = riskOf(withGoods(type, '85171300', '93020000'));

      assert.equal(assessment.channel, 'RED');
      assert.equal(assessment.rule, 'HIGH_RISK_CHAPTER');
      assert.ok(assessment.reason.length > 0);
    });

    it(`${type}: inspects a load with arms even when it also carries foodstuffs`, () => {
      assert.equal(riskOf(withGoods(type, '01012100', '93069000')).channel, 'RED');
    });

    it(`${type}: releases goods of ordinary chapters through the green channel`, () => {
      for (let chapter = 24; chapter <= 97; chapter++) {
        if ([28, 29, 36, 71, 77, 93].includes(chapter)) continue;
        const assessment = riskOf(withGoods(type, `${chapter}0100`));
        assert.equal(assessment.channel, 'GREEN', `chapter ${chapter}`);
        assert.equal(assessment.rule, 'DEFAULT_GREEN');
      }
    });

    it(`${type}: runs in its own lane, so its random selection follows its lane's rates`, () => {
      const lane = DECLARATION_TYPES[type].risk.lane;
      const alwaysYellow = { ...NO_RANDOM_SELECTION, [lane]: { YELLOW: 1, RED: 0 } };
      const assessment = riskOf(withGoods(type, '85171300'), {
        ...regular,
        randomSelection: { rates: alwaysYellow, seed: 's' },
      });
      assert.equal(assessment.rule, 'RANDOM_SELECTION');
    });
  }

  for (const type of ['RAIL_IMPORT', 'ROAD_IMPORT'] as const) {
    it(`${type}: sends agricultural goods (chapters 01–14) without their quarantine certificate to yellow`, () => {
      for (let chapter = 1; chapter <= 14; chapter++) {
        const assessment = riskOf(withGoods(type, `${String(chapter).padStart(2, '0')}010000`));
        assert.equal(assessment.channel, 'YELLOW', `chapter ${chapter}`);
        assert.equal(assessment.rule, 'QUARANTINE_CERTIFICATE_MISSING');
      }
    });

    it(`${type}: sends a first-time consignee to yellow`, () => {
      const assessment = riskOf(withGoods(type, '85171300'), { ...regular, consigneeHasClearedBefore: false });
      assert.deepEqual([assessment.channel, assessment.rule], ['YELLOW', 'FIRST_TIME_CONSIGNEE']);
    });
  }

  it('ROAD_EXPORT: asks for no quarantine certificate and does not hold the foreign consignee’s record against it', () => {
    const assessment = riskOf(withGoods('ROAD_EXPORT', '08081000'), { ...regular, consigneeHasClearedBefore: false });
    assert.equal(assessment.channel, 'GREEN');
  });
});
