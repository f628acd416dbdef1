/**
 * The web view (web/index.html): an STM32F4-Discovery running firmware in real time — its four LEDs,
 * the user button, USART2 as a terminal, the semihosting console, Reset and Power cycle — and the
 * memory map, every row of it derived from the device description (src/device/stm32f407.ts).
 * Plain DOM; the emulation itself is web/session.ts.
 */
import { DEFAULT_DEVICE, type DeviceDescription, type LedColour, UserError, endOf, hex32, region } from '../src/browser.js';
import { parseAddress } from '../src/cli/args.js';
import { formatSize } from '../src/cli/table.js';
import { type Demo, demos } from './demos.js';
import { type FirmwareFile, Session } from './session.js';

/** The LEDs as UM1472 labels them, in pin order (PD12-PD15). */
const LEDS: ReadonlyArray<{ colour: LedColour; label: string }> = [
  { colour: 'green', label: 'LD4' },
  { colour: 'orange', label: 'LD3' },
  { colour: 'red', label: 'LD5' },
  { colour: 'blue', label: 'LD6' },
];
/** Characters kept in each terminal. */
const TERMINAL_KEEP = 100_000;

function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`web/index.html has no #${id}`);
  return el;
}

/** A <pre> that receives bytes (decoded as UTF-8 across chunks) and is flushed to the DOM once a frame. */
class Terminal {
  private readonly decoder = new TextDecoder();
  private pending = '';

  constructor(readonly el: HTMLElement) {}

  bytes(bytes: Uint8Array): void {
    this.pending += this.decoder.decode(bytes, { stream: true });
  }

  clear(): void {
    this.pending = '';
    this.el.textContent = '';
  }

  flush(): void {
    if (this.pending === '') return;
    const text = (this.el.textContent ?? '') + this.pending.replace(/\r\n?/g, '\n');
    this.pending = '';
    this.el.textContent = text.length > TERMINAL_KEEP ? text.slice(-TERMINAL_KEEP) : text;
    this.el.scrollTop = this.el.scrollHeight;
  }
}

const usartTerm = new Terminal($('usart'));
const consoleTerm = new Terminal($('console'));
const statusEl = $('status');
const ledEls = new Map<LedColour, HTMLElement>();
let session: Session | null = null;
let paused = false;

function showStatus(text: string, error = false): void {
  statusEl.textContent = text;
  statusEl.classList.toggle('error', error);
}

function buildLeds(): void {
  const box = $('leds');
  for (const { colour, label } of LEDS) {
    const led = document.createElement('div');
    led.className = `led ${colour}`;
    led.innerHTML = `<div class="lamp"></div><div>${label}</div>`;
    box.append(led);
    ledEls.set(colour, led);
  }
}

function cell(row: HTMLTableRowElement, text: string, numeric = false, tag: 'td' | 'th' = 'td'): void {
  const c = document.createElement(tag);
  c.textContent = text;
  if (numeric) c.className = 'num';
  row.append(c);
}

function fillTable(table: HTMLElement, header: readonly string[], rows: ReadonlyArray<readonly string[]>, numericColumns: number): void {
  const t = table as HTMLTableElement;
  t.replaceChildren();
  const hr = t.insertRow();
  header.forEach((h) => cell(hr, h, false, 'th'));
  for (const r of rows) {
    const tr = t.insertRow();
    r.forEach((text, i) => cell(tr, text, i > 0 && i <= numericColumns));
  }
}

/** The memory map, as `f4emu map` prints it: regions, then flash sectors. */
function showMemoryMap(device: DeviceDescription): void {
  $('map-title').textContent = `Memory map — ${device.name}`;
  fillTable(
    $('regions'),
    ['region', 'start', 'end', 'size', 'kind', 'description'],
    device.regions.map((r) => [r.name, hex32(r.start), hex32(endOf(r)), formatSize(r.size), r.kind, r.description]),
    3,
  );
  fillTable(
    $('sectors'),
    ['flash sector', 'start', 'end', 'size'],
    device.flashSectors.map((s) => [String(s.index), hex32(s.start), hex32(endOf(s)), formatSize(s.size)]),
    3,
  );
}

function start(files: readonly FirmwareFile[]): void {
  usartTerm.clear();
  consoleTerm.clear();
  for (const el of ledEls.values()) el.classList.remove('on');
  try {
    session = new Session(files, {
      led: (colour, on) => ledEls.get(colour)?.classList.toggle('on', on),
      usart: (byte) => usartTerm.bytes(Uint8Array.of(byte)),
      console: (bytes) => consoleTerm.bytes(bytes),
    });
    showMemoryMap(session.machine.device);
  } catch (e) {
    session = null;
    showStatus(e instanceof UserError ? e.message : `cannot start: ${String(e)}`, true);
  }
}

function describe(s: Session): string {
  const t = `${(s.emulatedMs / 1000).toFixed(3)} s emulated, ${s.machine.cpu.instructions.toLocaleString()} instructions`;
  const st = s.status;
  if (st.kind === 'exited') return `${t} — firmware exited with status ${st.status} (Reset runs it again)`;
  if (st.kind === 'stopped') return `${t} — core stopped (${st.reason})`;
  if (s.lockedUp) return `${t} — core locked up`;
  return paused ? `${t} — paused` : t;
}

let lastFrame: number | null = null;
function frame(now: number): void {
  const dt = lastFrame === null ? 0 : now - lastFrame;
  lastFrame = now;
  if (session) {
    if (!paused) session.advance(dt);
    usartTerm.flush();
    consoleTerm.flush();
    if (!statusEl.classList.contains('error')) showStatus(describe(session));
  }
  requestAnimationFrame(frame);
}

async function readFiles(list: FileList, base: number): Promise<FirmwareFile[]> {
  return Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()), base })));
}

function binaryBase(): number {
  return parseAddress(($('base') as HTMLInputElement).value, '.bin load address');
}

async function startFromFiles(list: FileList | null | undefined): Promise<void> {
  if (!list || list.length === 0) return;
  showStatus('');
  try {
    start(await readFiles(list, binaryBase()));
  } catch (e) {
    showStatus(e instanceof UserError ? e.message : String(e), true);
  }
}

function wireControls(all: readonly Demo[]): void {
  const select = $('demo') as HTMLSelectElement;
  for (const d of all) select.add(new Option(d.title, d.id));
  select.addEventListener('change', () => {
    const d = all.find((x) => x.id === select.value);
    if (d) {
      showStatus('');
      start(d.files);
    }
  });
  ($('base') as HTMLInputElement).value = hex32(region(DEFAULT_DEVICE, 'flash').start);
  const file = $('file') as HTMLInputElement;
  file.addEventListener('change', () => void startFromFiles(file.files));
  const drop = $('drop');
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  document.addEventListener('dragleave', () => drop.classList.remove('over'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void startFromFiles(e.dataTransfer?.files);
  });
  $('reset').addEventListener('click', () => session?.reset('system'));
  $('power').addEventListener('click', () => session?.reset('power-on'));
  const pause = $('pause');
  pause.addEventListener('click', () => {
    paused = !paused;
    pause.textContent = paused ? 'Run' : 'Pause';
  });
  const button = $('button');
  const press = (down: boolean): void => {
    if (!session || session.button.pressed === down) return;
    if (down) session.button.press();
    else session.button.release();
    button.classList.toggle('pressed', down);
  };
  button.addEventListener('pointerdown', (e) => {
    button.setPointerCapture(e.pointerId);
    press(true);
  });
  button.addEventListener('pointerup', () => press(false));
  button.addEventListener('pointercancel', () => press(false));
  const term = $('usart');
  term.addEventListener('keydown', (e) => {
    const bytes = keyBytes(e);
    if (!bytes || !session) return;
    e.preventDefault();
    session.type(bytes);
  });
}

/** What a terminal sends for a key: the character (UTF-8), CR for Enter, BS, TAB, ESC, Ctrl-letter. */
function keyBytes(e: KeyboardEvent): Uint8Array | null {
  if (e.metaKey || e.altKey) return null;
  const special: Record<string, number> = { Enter: 0x0d, Backspace: 0x08, Tab: 0x09, Escape: 0x1b };
  if (e.key in special) return Uint8Array.of(special[e.key]);
  if (e.ctrlKey) return /^[a-z]$/i.test(e.key) ? Uint8Array.of(e.key.toUpperCase().charCodeAt(0) - 0x40) : null;
  return e.key.length === 1 || [...e.key].length === 1 ? new TextEncoder().encode(e.key) : null;
}

function main(): void {
  buildLeds();
  showMemoryMap(DEFAULT_DEVICE);
  const all = demos();
  wireControls(all);
  if (all.length > 0) start(all[0].files);
  else showStatus('no demo firmware in this build: drop a file');
  requestAnimationFrame(frame);
}

main();
