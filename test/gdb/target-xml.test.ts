import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GDB_REGISTERS, registerNumber, targetXml } from '../../src/gdb/target-xml.js';

test('the M-profile core registers come first, numbered as GDB\'s g packet expects', () => {
  const names = GDB_REGISTERS.slice(0, 17).map((r) => r.name);
  assert.deepEqual(names, ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9', 'r10', 'r11', 'r12', 'sp', 'lr', 'pc', 'xpsr']);
  assert.equal(registerNumber('pc'), 15);
});

test('the description has the m-profile, vfp (d0–d15, fpscr) and m-system features', () => {
  const xml = targetXml();
  assert.match(xml, /<architecture>arm<\/architecture>/);
  for (const f of ['org.gnu.gdb.arm.m-profile', 'org.gnu.gdb.arm.vfp', 'org.gnu.gdb.arm.m-system']) assert.match(xml, new RegExp(`<feature name="${f}">`));
  assert.match(xml, /<reg name="d15" bitsize="64" regnum="32" type="ieee_double"\/>/);
  assert.match(xml, /<reg name="fpscr" bitsize="32" regnum="33" type="uint32" group="float"\/>/);
  for (const name of ['msp', 'psp', 'primask', 'basepri', 'faultmask', 'control']) assert.match(xml, new RegExp(`<reg name="${name}" bitsize="32" regnum="${registerNumber(name)}"`));
});

test('every register appears once with its regnum, in order', () => {
  const regnums = [...targetXml().matchAll(/regnum="(\d+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(regnums, GDB_REGISTERS.map((_, i) => i));
});
