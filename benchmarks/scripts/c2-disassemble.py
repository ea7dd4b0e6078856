#!/usr/bin/env python3
"""Disassembles the C2 code that HotSpot prints without hsdis, with binutils' objdump.

Without the hsdis plugin, -XX:+PrintAssembly (or -XX:CompileCommand=print,...) prints each
compiled method's machine code as hex words, with HotSpot's comments (call targets, safepoint
polls, the bytecode scopes of each call and trap) between them. This script turns every C2
method of such a log back into x86-64 assembly, comments kept at their addresses, and can list
the method's loops: a backward branch and the instructions it spans, with how many of them touch
an xmm register or the stack. A loop whose counter goes through an xmm register (vmovd/vmovq
moves, a few cycles each way on every iteration) or the stack is where C2 ran out of registers.

Usage, from the repository root (JDK 25, objdump on the PATH):
  java -XX:+UnlockDiagnosticVMOptions \\
       -XX:CompileCommand=print,dev.manycore.messaging.internal.Channel::drain \\
       -cp benchmarks/target/benchmarks.jar dev.manycore.benchmarks.messaging.TransportBurstStudy 60 > log.txt
  benchmarks/scripts/c2-disassemble.py log.txt                 # every C2 method in the log
  benchmarks/scripts/c2-disassemble.py log.txt 'Channel::drain' --loops
The optional second argument keeps the methods whose "Compiled method (c2)" line contains it (a
name, or a compile id with spaces around it: ' 468 '). A JMH fork takes the same flags through
-jvmArgsAppend.
"""
import re
import subprocess
import sys
import tempfile

ADDRESS = re.compile(r'\s+(0x[0-9a-f]+): (.*)$')
HEX = re.compile(r'[0-9a-f| ]+')
INSTRUCTION = re.compile(r'\s*([0-9a-f]+):\t')
BRANCH = re.compile(r'\s*([0-9a-f]+):\t.*\t(j[a-z]+)\s+0x([0-9a-f]+)')


def methods(lines, wanted):
    """Yields (header, start address, code bytes, comments by address) for each C2 method."""
    i = 0
    while i < len(lines):
        header = lines[i]
        i += 1
        if not header.startswith('Compiled method (c2)') or wanted not in header:
            continue
        while i < len(lines) and lines[i] != '[MachCode]':
            i += 1
        code, start, comments, last = bytearray(), None, {}, None
        while i < len(lines) and lines[i] != '[/MachCode]':
            line = lines[i]
            i += 1
            m = ADDRESS.match(line)
            if m:
                address, rest = int(m.group(1), 16), m.group(2).strip()
                if HEX.fullmatch(rest):
                    if start is None:
                        start = address
                    del code[address - start:]
                    code.extend(bytes.fromhex(rest.replace('|', '').replace(' ', '')))
                else:
                    comments.setdefault(address, []).append(rest)
                    last = address
            elif line.strip().startswith(';') and last is not None:
                comments[last].append(line.strip())
        if start is not None:
            yield header, start, bytes(code), comments


def disassemble(start, code):
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(code)
        f.flush()
        out = subprocess.run(['objdump', '-D', '--insn-width=16', '-b', 'binary', '-mi386:x86-64', '--adjust-vma=%#x' % start, f.name],
                             capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if INSTRUCTION.match(line)]


def loops(listing):
    index = {int(INSTRUCTION.match(line).group(1), 16): n for n, line in enumerate(listing)}
    for n, line in enumerate(listing):
        m = BRANCH.match(line)
        if not m:
            continue
        source, target = int(m.group(1), 16), int(m.group(3), 16)
        if target < source and target in index:
            body = listing[index[target]:n + 1]
            print('  loop %x..%x: %d instructions, %d on xmm, %d on the stack' % (
                target, source, len(body), sum('xmm' in b for b in body), sum('(%rsp)' in b for b in body)))


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    wanted = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith('--') else ''
    only_loops = '--loops' in sys.argv
    lines = open(sys.argv[1], errors='replace').read().splitlines()
    found = False
    for header, start, code, comments in methods(lines, wanted):
        found = True
        listing = disassemble(start, code)
        print('=' * 100)
        print(header)
        if only_loops:
            loops(listing)
            continue
        for line in listing:
            for comment in comments.pop(int(INSTRUCTION.match(line).group(1), 16), []):
                print('                ' + comment)
            print(line)
    if not found:
        sys.exit('no C2 method matching %r in %s' % (wanted, sys.argv[1]))


if __name__ == '__main__':
    main()
