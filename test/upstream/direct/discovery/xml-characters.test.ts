// encoding/xml's byte classes (xml.go isNameByte; Decoder.attrval's non-strict value bytes).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  isNameByte,
  isUnquotedValueByte,
} from '../../../../src/upstream/direct/discovery/xml-characters.js';
import { xmlDeclarationProblem } from '../../../../src/upstream/direct/discovery/xml-declaration.js';

test('name bytes and unquoted attribute value bytes, over every byte', () => {
  for (let c = 0; c < 256; c++) {
    const ch = String.fromCharCode(c);
    assert.equal(isNameByte(c), /^[A-Za-z0-9_:.-]$/.test(ch), `isNameByte(${c})`);
    assert.equal(isUnquotedValueByte(c), /^[A-Za-z0-9_:-]$/.test(ch), `isUnquotedValueByte(${c})`);
  }
});

test('xmlDeclarationProblem: version 1.0 and UTF-8/ASCII only, as cmd/go reads pages', () => {
  assert.equal(xmlDeclarationProblem(' version="1.0" encoding="UTF-8"'), undefined);
  assert.equal(xmlDeclarationProblem(" version='1.0' encoding='ascii'"), undefined);
  assert.equal(xmlDeclarationProblem(''), undefined);
  assert.equal(
    xmlDeclarationProblem(' version="1.1"'),
    'xml: unsupported version "1.1"; only version 1.0 is supported',
  );
  assert.equal(
    xmlDeclarationProblem(' version="1.0" encoding="ISO-8859-1"'),
    `xml: opening charset "ISO-8859-1": can't decode XML document using charset "ISO-8859-1"`,
  );
});
