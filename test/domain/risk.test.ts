import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideRiskChannel } from '#domain/risk.ts';
import { goodsLine, railImportDeclaration } from '../support/declarations.ts';

const withGoods = (...hsCodes: string[]) => railImportDeclaration({ goods: hsCodes.map(goodsLine) });

describe('risk channel of a declaration', () => {
  it('sends arms and ammunition (chapter 93) to the red channel, naming the rule', () => {
    const decision = decideRiskChannel(withGoods('93020000'));

    assert.equal(decision.channel, 'RED');
    assert.equal(decision.rule, 'REGULATED_GOODS_CHAPTER_93');
    assert.ok(decision.reason.length > 0);
  });

  it('inspects the whole train load when one line among many is chapter 93, even beside foodstuffs', () => {
    assert.equal(decideRiskChannel(withGoods('85171300', '01012100', '93069000')).channel, 'RED');
  });

  it('sends animal, plant and food products (chapters 01–14) to the yellow channel for quarantine papers', () => {
    for (let chapter = 1; chapter <= 14; chapter++) {
      const decision = decideRiskChannel(withGoods(`${String(chapter).padStart(2, '0')}010000`));
      assert.equal(decision.channel, 'YELLOW', `chapter ${chapter}`);
      assert.equal(decision.rule, 'QUARANTINE_DOCUMENTS_CHAPTERS_01_14');
    }
  });

  it('releases everything else through the green channel', () => {
    for (let chapter = 15; chapter <= 97; chapter++) {
      if (chapter === 77 || chapter === 93) continue;
      const decision = decideRiskChannel(withGoods(`${chapter}0100`));
      assert.equal(decision.channel, 'GREEN', `chapter ${chapter}`);
      assert.equal(decision.rule, 'DEFAULT_GREEN');
    }
  });

  it('is yellow when any one line needs quarantine papers', () => {
    assert.equal(decideRiskChannel(withGoods('85171300', '84713000', '08051000')).channel, 'YELLOW');
  });

  it('always records which rule decided, so the broker and the officer can be told why', () => {
    const decisions = [withGoods('93020000'), withGoods('07019000'), withGoods('85171300')].map(decideRiskChannel);
    assert.deepEqual(
      decisions.map((d) => d.rule),
      ['REGULATED_GOODS_CHAPTER_93', 'QUARANTINE_DOCUMENTS_CHAPTERS_01_14', 'DEFAULT_GREEN'],
    );
  });

  it('decides the same way every time for the same declaration', () => {
    const declaration = withGoods('85171300', '03021100');
    assert.deepEqual(decideRiskChannel(declaration), decideRiskChannel(declaration));
  });
});
