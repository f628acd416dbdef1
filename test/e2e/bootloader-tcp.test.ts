/**
 * The stm32flash flows of stm32flash.test.ts over TCP (`f4emu run --boot0 1 --state S --usart1 tcp:0`)
 * with the project's own AN3155 client (an3155-client.ts), plus what stm32flash cannot show: a host that
 * disconnects in the middle of a Write Memory frame, garbage on the line, the bootloader's own memory.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ROOT } from '../cli/spawn.js';
import { ACK, An3155Client, CMD, NACK, addressFrame, commandFrame, tcpLink } from './an3155-client.js';
import { type F4emuProcess, startF4emu } from './f4emu-process.js';

const HELLO = readFileSync(join(ROOT, 'firmware/build/sysboot-apps-hello.bin'));
const ENTER = join(ROOT, 'firmware/build/sysboot-apps-enter-bootloader.elf');
const FLASH = 0x0800_0000;
const SECTOR1 = 0x0800_4000;
const OPTION_BYTES = 0x1fff_c000;
const dir = mkdtempSync(join(tmpdir(), 'f4emu-bootloader-tcp-'));
const STATE = join(dir, 'chip.f4s');
after(() => rmSync(dir, { recursive: true, force: true }));

async function client(f4emu: F4emuProcess): Promise<An3155Client> {
  return new An3155Client(await tcpLink(Number(f4emu.where)), { timeoutMs: 3000 });
}

/** A fresh f4emu on the state file, booted into the bootloader, and a synchronised client. */
async function withBootloader(fn: (c: An3155Client, f4emu: F4emuProcess) => Promise<void>, extra: string[] = []): Promise<void> {
  const f4emu = await startF4emu(['--boot0', '1', '--state', STATE, '--usart1', 'tcp:0', ...extra]);
  const c = await client(f4emu);
  try {
    assert.equal(await c.connect(), 'ack');
    await fn(c, f4emu);
  } finally {
    c.link.close();
    await f4emu.stop();
  }
}

/** Synchronises again after the chip reset itself (protection commands). */
async function reconnect(c: An3155Client): Promise<void> {
  assert.equal(await c.connect(), 'ack', 'the chip reset and waits for 0x7F again');
}

test('the AN3155 client drives the bootloader over TCP', async (t) => {
  await t.test('Get, Get Version and Get ID report bootloader V3.1 on an STM32F40x (0x0413); the ID byte reads 0x31', async () => {
    await withBootloader(async (c) => {
      assert.deepEqual(await c.get(), { version: 0x31, commands: [0x00, 0x01, 0x02, 0x11, 0x21, 0x31, 0x44, 0x63, 0x73, 0x82, 0x92] });
      assert.deepEqual(await c.getVersion(), { version: 0x31, option1: 0, option2: 0 });
      assert.equal(await c.getId(), 0x0413);
      assert.deepEqual([...(await c.readMemory(0x1fff_77de, 1))], [0x31]);
      assert.equal(await c.connect(), 'nack', 'a 0x7F while synchronised: NACK for the missing complement');
    });
  });

  await t.test('writes and verifies an application, then Go starts it: it greets on USART1 (this socket) and USART2 (stdout)', async () => {
    await withBootloader(async (c, f4emu) => {
      await c.erase('mass');
      await c.write(FLASH, HELLO);
      assert.deepEqual(Buffer.from(await c.read(FLASH, HELLO.length)), HELLO);
      await c.go(FLASH);
      assert.equal(new TextDecoder().decode(await c.bytes(17, 'greeting')), 'hello from flash\n');
      await f4emu.waitForStdout('hello from flash\n');
    });
  });

  await t.test('the next run on the same state file reads the same application back', async () => {
    await withBootloader(async (c) => {
      assert.deepEqual(Buffer.from(await c.read(FLASH, HELLO.length)), HELLO);
    });
  });

  await t.test('Readout Protect: reads get two NACKs, Get ID still works; Readout Unprotect mass-erases', async () => {
    await withBootloader(async (c) => {
      await c.readoutProtect();
      await reconnect(c);
      c.link.write(commandFrame(CMD.READ_MEMORY));
      assert.deepEqual([...(await c.bytes(2, 'two NACKs'))], [NACK, NACK]);
      assert.equal(await c.getId(), 0x0413);
      await c.readoutUnprotect();
      await reconnect(c);
      assert.deepEqual(await c.readMemory(FLASH, 256), new Uint8Array(256).fill(0xff));
    });
  });

  await t.test('Extended Erase of sector 1 erases what was written there', async () => {
    await withBootloader(async (c) => {
      const block = Uint8Array.from({ length: 256 }, (_, i) => i);
      await c.write(SECTOR1, block);
      assert.deepEqual(await c.readMemory(SECTOR1, 256), block);
      await c.erase([1]);
      assert.deepEqual(await c.readMemory(SECTOR1, 256), new Uint8Array(256).fill(0xff));
    });
  });

  await t.test('Write Protect of sector 1: a write there is ACKed and changes nothing; Write Unprotect lifts it', async () => {
    await withBootloader(async (c) => {
      await c.writeProtect([1]);
      await reconnect(c);
      assert.equal((await c.readMemory(OPTION_BYTES + 8, 1))[0] & 0b10, 0, 'nWRP1 = 0');
      await c.writeMemory(SECTOR1, [1, 2, 3, 4]);
      assert.deepEqual([...(await c.readMemory(SECTOR1, 4))], [0xff, 0xff, 0xff, 0xff]);
      await c.writeUnprotect();
      await reconnect(c);
      await c.writeMemory(SECTOR1, [1, 2, 3, 4]);
      assert.deepEqual([...(await c.readMemory(SECTOR1, 4))], [1, 2, 3, 4]);
      await c.erase([1]);
    });
  });

  await t.test('a host that disconnects mid-frame changes nothing: the frame times out and the next host is served', async () => {
    const f4emu = await startF4emu(['--boot0', '1', '--state', STATE, '--usart1', 'tcp:0']);
    try {
      const first = await client(f4emu);
      assert.equal(await first.connect(), 'ack');
      first.link.write([...commandFrame(CMD.WRITE_MEMORY), ...addressFrame(SECTOR1)]);
      assert.deepEqual([...(await first.bytes(2, 'ACK ACK'))], [ACK, ACK]);
      first.link.write([0xff, 0x11, 0x22, 0x33]); // 4 of 256 bytes, then gone
      first.link.close();
      // The bootloader drops a frame after 2 s without a byte (firmware/sysboot/link.c); while it only
      // waits for input, emulated time keeps wall-clock time.
      await new Promise((resolve) => setTimeout(resolve, 2_500));

      const second = await client(f4emu);
      // Still synchronised (baud rate known), the bootloader takes 0x7F for a command code; the
      // client's second 0x7F is then a wrong complement and draws a NACK, as on silicon.
      assert.equal(await second.connect(), 'nack', 'the bootloader answers the next host');
      assert.equal(await second.getId(), 0x0413);
      assert.deepEqual([...(await second.readMemory(SECTOR1, 4))], [0xff, 0xff, 0xff, 0xff], 'nothing written');
      second.link.close();
    } finally {
      await f4emu.stop();
    }
  });

  await t.test('garbage on the line draws NACKs and leaves the bootloader ready', async () => {
    await withBootloader(async (c) => {
      c.link.write([0x00, 0x00, 0x43, 0xbc, 0x12, 0x34]);
      assert.deepEqual([...(await c.bytes(3, 'NACKs'))], [NACK, NACK, NACK]);
      assert.equal(await c.getId(), 0x0413);
      c.link.write([...commandFrame(CMD.READ_MEMORY), ...addressFrame(0x2000_0000)]);
      assert.deepEqual([...(await c.bytes(2, 'its own RAM is refused'))], [ACK, NACK]);
    });
  });
});

test('an application that jumps to the bootloader is answered over TCP', async () => {
  const f4emu = await startF4emu([ENTER, '--usart1', 'tcp:0']);
  const c = await client(f4emu);
  try {
    await f4emu.waitForStdout('enter-bootloader: jumping to the system bootloader\n');
    assert.equal(await c.connect(), 'ack');
    assert.equal(await c.getId(), 0x0413);
  } finally {
    c.link.close();
    await f4emu.stop();
  }
});
