import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PACKET_SIZE, RspSession, escapeBinary, frame, gdbCrc32, unescapeBinary } from '../../src/gdb/rsp.js';
import { MachineTarget } from '../../src/gdb/target.js';
import { targetXml } from '../../src/gdb/target-xml.js';
import { DATA, Gdb, LOOP, PC, START, parseOutput, programMachine } from './support.js';

/** A session still in acknowledgement mode (GDB's state right after connecting). */
function ackSession(): { send: (bytes: string) => string[]; target: MachineTarget } {
  const machine = programMachine();
  const target = new MachineTarget(machine);
  target.attach();
  let out = '';
  const session = new RspSession(target, { send: (b) => (out += Buffer.from(b).toString('latin1')) });
  return {
    target,
    send(bytes) {
      session.receive(Buffer.from(bytes, 'latin1'));
      const r = parseOutput(out);
      out = '';
      return r;
    },
  };
}

test('a good packet is acknowledged with + and answered', () => {
  const s = ackSession();
  assert.deepEqual(s.send(latin(frame('qAttached'))), ['+', '1']);
});

test('a packet with a wrong checksum gets - and no answer', () => {
  const s = ackSession();
  assert.deepEqual(s.send('$qAttached#00'), ['-']);
  assert.deepEqual(s.send('$qAttached#zz'), ['-']);
});

test('a - from GDB makes the stub send its last reply again', () => {
  const s = ackSession();
  assert.deepEqual(s.send(latin(frame('qC'))), ['+', 'QC1']);
  assert.deepEqual(s.send('-'), ['QC1']);
});

test('after QStartNoAckMode neither side acknowledges', () => {
  const s = ackSession();
  assert.deepEqual(s.send(latin(frame('QStartNoAckMode'))), ['+', 'OK']);
  assert.deepEqual(s.send(latin(frame('qC'))), ['QC1']);
  assert.deepEqual(s.send('$qC#00'), [], 'a bad packet is dropped silently');
  assert.deepEqual(s.send('-'), [], 'nothing is retransmitted');
});

test('qSupported advertises the packet size, no-ack mode, the XML transfers and vCont', () => {
  const gdb = new Gdb();
  const features = gdb.ask('qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386').split(';');
  assert.ok(features.includes(`PacketSize=${PACKET_SIZE.toString(16)}`));
  for (const f of ['QStartNoAckMode+', 'qXfer:features:read+', 'qXfer:memory-map:read+', 'vContSupported+']) assert.ok(features.includes(f), f);
});

test('unknown packets and vMustReplyEmpty get the empty reply', () => {
  const gdb = new Gdb();
  for (const p of ['vMustReplyEmpty', 'qTStatus', 'QNonStop:1', 'bc', 'Z9,0,0', 'vFoo', 'y']) assert.equal(gdb.ask(p), '', p);
});

test('thread queries describe one thread', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('qfThreadInfo'), 'm1');
  assert.equal(gdb.ask('qsThreadInfo'), 'l');
  assert.equal(gdb.ask('qC'), 'QC1');
  assert.equal(gdb.ask('qAttached'), '1');
  assert.equal(gdb.ask('Hg1'), 'OK');
  assert.equal(gdb.ask('Hc-1'), 'OK');
  assert.equal(gdb.ask('T1'), 'OK');
});

test('a packet longer than PacketSize is read to its end and answered E01', () => {
  const gdb = new Gdb();
  assert.deepEqual(gdb.send('M20000000,4:' + '00'.repeat(PACKET_SIZE)), ['E01']);
  assert.equal(gdb.ask('qC'), 'QC1', 'the session goes on');
});

test('m with a huge length answers as much as fits one packet', () => {
  const gdb = new Gdb();
  const reply = gdb.ask('m20000000,ffffffff');
  assert.ok(reply.length > 0 && reply.length <= PACKET_SIZE, `${reply.length} hex digits`);
  assert.match(reply, /^[0-9a-f]+$/);
});

test('m answers E02 where nothing can be read, and the bytes up to it otherwise', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('m30000000,4'), 'E02');
  // The last 4 bytes of SRAM2, then the hole above it.
  assert.equal(gdb.ask('m2001fffc,8'), '00000000');
});

test('M and X write memory that m reads back, X with escaped binary bytes', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('M20000010,4:11223344'), 'OK');
  assert.equal(gdb.ask('m20000010,4'), '11223344');
  const bytes = Uint8Array.of(0x23, 0x24, 0x7d, 0x2a, 0x03, 0x00);
  assert.equal(gdb.ask(`X20000020,6:${escapeBinary(latin(bytes))}`), 'OK');
  assert.equal(gdb.ask('m20000020,6'), '23247d2a0300');
  assert.equal(gdb.ask('X20000020,0:'), 'OK', 'the zero-length probe GDB uses');
  assert.equal(gdb.ask('M20000010,4:1122'), 'E01', 'length and data disagree');
  assert.equal(gdb.ask('M20000010,4:zz223344'), 'E01');
});

test('binary escaping round-trips every byte value', () => {
  const all = latin(Uint8Array.from({ length: 256 }, (_, i) => i));
  const escaped = escapeBinary(all);
  assert.doesNotMatch(escaped, /[#$*]/);
  assert.deepEqual(unescapeBinary(escaped), Uint8Array.from({ length: 256 }, (_, i) => i));
  assert.equal(unescapeBinary('ab}'), null, 'an escape cut off at the end');
});

test('g reads every register in order and G writes them back', () => {
  const gdb = new Gdb();
  const g = gdb.ask('g');
  assert.equal(g.length, 2 * (17 * 4 + 16 * 8 + 4 + 6 * 4));
  const pc = Buffer.from(g.slice(15 * 8, 16 * 8), 'hex').readUInt32LE(0);
  assert.equal(pc, START);
  const changed = g.slice(0, 8 * 3) + '78563412' + g.slice(8 * 4);
  assert.equal(gdb.ask(`G${changed}`), 'OK');
  assert.equal(gdb.register(3), 0x1234_5678);
  assert.equal(gdb.ask('G00'), 'E01');
});

test('p and P read and write one register; an unknown number is E03', () => {
  const gdb = new Gdb();
  gdb.setRegister(5, 0xcafe_f00d);
  assert.equal(gdb.register(5), 0xcafe_f00d);
  assert.equal(gdb.ask('p28'), 'E03');
  assert.equal(gdb.ask('P28=00000000'), 'E03');
  assert.equal(gdb.ask('P5=0011'), 'E01', 'wrong size');
  assert.equal(gdb.ask('pzz'), 'E01');
});

test('qXfer:features:read returns the target description in m/l chunks', () => {
  const gdb = new Gdb();
  let doc = '';
  for (;;) {
    const r = gdb.ask(`qXfer:features:read:target.xml:${doc.length.toString(16)},100`);
    doc += unescapeLatin(r.slice(1));
    if (r[0] === 'l') break;
    assert.equal(r[0], 'm');
  }
  assert.equal(doc, targetXml());
  assert.equal(gdb.ask('qXfer:features:read:other.xml:0,100'), 'E00');
});

test('qXfer:memory-map:read returns the memory map', () => {
  const gdb = new Gdb();
  const r = gdb.ask('qXfer:memory-map:read::0,3000');
  assert.equal(r[0], 'l');
  assert.match(r, /<memory type="flash" start="0x08000000" length="0x00004000">/);
});

test('qRcmd runs a monitor command and answers its output in hex', () => {
  const gdb = new Gdb();
  const r = gdb.ask(`qRcmd,${Buffer.from('help').toString('hex')}`);
  assert.match(Buffer.from(r, 'hex').toString(), /reset halt/);
  assert.equal(gdb.ask('qRcmd,zz'), 'E01');
});

test('qCRC answers GDB\'s CRC-32 of target memory', () => {
  assert.equal(gdbCrc32(Buffer.from('123456789'), 0xffff_ffff), 0x0376_e6e7, 'CRC-32/MPEG-2 check value');
  const gdb = new Gdb();
  assert.equal(gdb.ask(`M20000000,9:${Buffer.from('123456789').toString('hex')}`), 'OK');
  assert.equal(gdb.ask('qCRC:20000000,9'), 'C0376e6e7');
  assert.equal(gdb.ask('qCRC:30000000,4'), 'E02');
});

test('c runs until a breakpoint and s steps one instruction; both answer T05 for thread 1', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z0,${LOOP.toString(16)},2`), 'OK');
  assert.equal(gdb.continue(), 'T05thread:1;');
  assert.equal(gdb.register(PC), LOOP);
  assert.equal(gdb.ask('s'), 'T05thread:1;');
  assert.equal(gdb.register(PC), LOOP + 2);
  assert.equal(gdb.ask('vCont;s:1;c'), 'T05thread:1;');
  assert.equal(gdb.register(PC), LOOP + 4);
});

test('c with an address resumes there', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask(`Z0,${LOOP.toString(16)},2`), 'OK');
  gdb.setRegister(0, 41);
  gdb.setRegister(1, DATA);
  assert.deepEqual(gdb.send(`C05;${LOOP.toString(16)}`), []);
  assert.deepEqual(gdb.runUntilStop(), ['T05thread:1;']);
  assert.equal(gdb.register(0), 42, 'one pass of the loop from LOOP');
});

test('vCont? lists c, C, s, S and t', () => {
  assert.equal(new Gdb().ask('vCont?'), 'vCont;c;C;s;S;t');
});

test('Ctrl-C stops a running target with SIGINT; between stops it is ignored', () => {
  const gdb = new Gdb();
  assert.deepEqual(gdb.raw('\x03'), [], 'not running: nothing to interrupt');
  assert.deepEqual(gdb.send('vCont;c'), []);
  gdb.runUntilStop(3);
  assert.equal(gdb.target.halted, false, 'still running');
  assert.deepEqual(gdb.raw('\x03'), ['T02thread:1;']);
  assert.equal(gdb.target.halted, true);
  assert.ok(gdb.register(0) > 0, 'the loop ran');
});

test('D detaches: OK, and the core runs on', () => {
  const gdb = new Gdb();
  assert.equal(gdb.ask('D'), 'OK');
  assert.equal(gdb.target.halted, false);
  assert.equal(gdb.target.attached, false);
});

test('k and R reset the chip and hold it at the reset vector, without a reply', () => {
  const gdb = new Gdb();
  gdb.setRegister(PC, LOOP);
  assert.deepEqual(gdb.send('k'), []);
  assert.equal(gdb.register(PC), START);
  gdb.setRegister(PC, LOOP);
  assert.deepEqual(gdb.send('R00'), []);
  assert.equal(gdb.register(PC), START);
  assert.equal(gdb.target.halted, true);
});

test('50,000 random and mutated packets never throw, hang or go unanswered', () => {
  const gdb = new Gdb();
  const random = lcg(0x5eed);
  const seeds = [
    'g', 'G00', 'p0', 'P0=00000000', 'pf', 'm20000000,10', 'm8000000,4', 'M20000100,2:abcd', 'X20000100,2:ab', 'c', 's', 'C05', 'S05',
    'vCont;c', 'vCont;s:1', 'vCont;t', 'vCont?', 'Z0,8000104,2', 'z0,8000104,2', 'Z1,8000106,2', 'z1,8000106,2', 'Z2,20000400,4',
    'z2,20000400,4', 'Z3,20000400,4', 'Z4,20000400,4', 'qSupported', 'qXfer:features:read:target.xml:0,100',
    'qXfer:memory-map:read::0,100', 'qRcmd,7374617465', 'qRcmd,726573657420686174', 'qCRC:8000000,100', 'vFlashErase:8000000,4000',
    'vFlashWrite:8000000:\x01\x02', 'vFlashDone', 'vMustReplyEmpty', 'vRun;', 'vAttach;1', 'vKill;1', 'D', 'k', 'R00', '?', 'qC', 'H g1', 'T1',
    'QStartNoAckMode', 'qAttached', 'qfThreadInfo', '!',
  ];
  const packets = 50_000;
  let replies = 0;
  for (let i = 0; i < packets; i++) {
    let p = seeds[random() % seeds.length];
    switch (random() % 4) {
      case 0: // random bytes
        p = latin(Uint8Array.from({ length: random() % 40 }, () => random() & 0xff));
        break;
      case 1: // flip, drop or insert characters
        for (let k = random() % 4; k >= 0; k--) {
          const at = random() % (p.length + 1);
          const c = String.fromCharCode(random() & 0xff);
          p = random() % 2 ? p.slice(0, at) + c + p.slice(at + 1) : p.slice(0, at) + c + p.slice(at);
        }
        break;
      case 2: // huge or odd numbers
        p = p.replace(/[0-9a-f]+/, () => ['ffffffff', '100000000', '0', '7fffffff', 'fffffffffffffffff'][random() % 5]);
        break;
      default: // as is
    }
    const framed = random() % 10 === 0 ? `$${p}#${(random() & 0xff).toString(16).padStart(2, '0')}` : latin(frame(p));
    const out = gdb.raw(framed + (random() % 50 === 0 ? '\x03' : ''));
    replies += out.length;
    if (gdb.target.halted === false && random() % 2 === 0) gdb.runUntilStop(2, 100);
    if (!gdb.target.attached) gdb.target.attach();
  }
  assert.ok(replies > packets / 2, `${replies} replies`);
  assert.deepEqual(gdb.logged.filter((l) => l.startsWith('internal error')), []);
  assert.equal(gdb.ask('qC'), 'QC1', 'the session still answers');
});

function latin(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

function unescapeLatin(text: string): string {
  return latin(unescapeBinary(text)!);
}

/** A small deterministic generator (the fuzz must replay the same way every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s >>> 8;
  };
}
