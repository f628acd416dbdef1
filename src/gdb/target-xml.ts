/**
 * The target description GDB reads with qXfer:features:read:target.xml (GDB manual, "Target
 * Descriptions", "ARM Features"): the registers of the Cortex-M4F as three standard features.
 *
 * - org.gnu.gdb.arm.m-profile: r0–r12, sp, lr, pc, xpsr (the M-profile core registers).
 * - org.gnu.gdb.arm.vfp: d0–d15 and fpscr. With 16 D registers GDB makes s0–s31 for itself
 *   (pseudo registers over the D registers: `p $s0`, `info registers s0`), as for any FPv4-SP part.
 * - org.gnu.gdb.arm.m-system: msp and psp (GDB uses them to unwind across exception frames), plus
 *   primask, basepri, faultmask and control in the "system" group, as other Cortex-M stubs do.
 *
 * The register numbers of the remote protocol (g/G order, p/P numbers) are the `regnum`s written
 * here: the index in GDB_REGISTERS.
 */

export type RegisterFeature = 'org.gnu.gdb.arm.m-profile' | 'org.gnu.gdb.arm.vfp' | 'org.gnu.gdb.arm.m-system';

export interface GdbRegister {
  readonly name: string;
  readonly bitsize: 32 | 64;
  readonly type: 'uint32' | 'data_ptr' | 'code_ptr' | 'ieee_double';
  readonly feature: RegisterFeature;
  readonly group?: 'float' | 'system';
}

const core = (name: string, type: GdbRegister['type'] = 'uint32'): GdbRegister => ({ name, bitsize: 32, type, feature: 'org.gnu.gdb.arm.m-profile' });
const system = (name: string, type: GdbRegister['type'] = 'uint32'): GdbRegister => ({ name, bitsize: 32, type, feature: 'org.gnu.gdb.arm.m-system', group: 'system' });

/** Every register GDB sees, by remote register number. */
export const GDB_REGISTERS: readonly GdbRegister[] = [
  ...Array.from({ length: 13 }, (_, i) => core(`r${i}`)),
  core('sp', 'data_ptr'),
  core('lr'),
  core('pc', 'code_ptr'),
  core('xpsr'),
  ...Array.from({ length: 16 }, (_, i): GdbRegister => ({ name: `d${i}`, bitsize: 64, type: 'ieee_double', feature: 'org.gnu.gdb.arm.vfp' })),
  { name: 'fpscr', bitsize: 32, type: 'uint32', feature: 'org.gnu.gdb.arm.vfp', group: 'float' },
  system('msp', 'data_ptr'),
  system('psp', 'data_ptr'),
  system('primask'),
  system('basepri'),
  system('faultmask'),
  system('control'),
];

/** Remote register number of a register by name (a programming error if there is none). */
export function registerNumber(name: string): number {
  const n = GDB_REGISTERS.findIndex((r) => r.name === name);
  if (n < 0) throw new Error(`no GDB register ${name}`);
  return n;
}

/** The whole target description document. */
export function targetXml(): string {
  const features = [...new Set(GDB_REGISTERS.map((r) => r.feature))];
  const lines = ['<?xml version="1.0"?>', '<!DOCTYPE target SYSTEM "gdb-target.dtd">', '<target version="1.0">', '  <architecture>arm</architecture>'];
  for (const feature of features) {
    lines.push(`  <feature name="${feature}">`);
    GDB_REGISTERS.forEach((r, regnum) => {
      if (r.feature !== feature) return;
      const group = r.group ? ` group="${r.group}"` : '';
      lines.push(`    <reg name="${r.name}" bitsize="${r.bitsize}" regnum="${regnum}" type="${r.type}"${group}/>`);
    });
    lines.push('  </feature>');
  }
  lines.push('</target>');
  return lines.join('\n') + '\n';
}
