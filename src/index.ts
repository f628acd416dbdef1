/**
 * f4emu's public TypeScript API: build a Machine, load an image, reset, run.
 *
 *   import { Machine, loadImageFile, Semihosting, NodeSemihostingHost } from 'f4emu';
 *   const machine = new Machine();
 *   machine.loadImage(loadImageFile('firmware.elf'));
 *   new Semihosting(machine.cpu, new NodeSemihostingHost()).install();
 *   machine.reset('power-on');
 *   machine.run(1_000_000);
 *
 * Everything but `loadImageFile`, `NodeSemihostingHost`/`RootedFiles`, `attachState`/`openStateFile`
 * and `connectSerial` (Node only) also runs in a browser: import src/browser.ts ('f4emu/browser') there.
 */
// Everything that also runs in a browser (src/browser.ts), then the Node-only parts.
export * from './browser.js';

export { loadImageFile } from './loaders/load-file.js';
export { NodeSemihostingHost, RootedFiles, type NodeHostOptions } from './host/semihosting-node.js';
export { attachState, openStateFile } from './host/nvstore-node.js';

// Host connections
export { connectSerial, parseSerialSpec, type SerialHandle, type SerialSpec } from './host/serial-port.js';
