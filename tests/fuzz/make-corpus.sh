#!/usr/bin/env bash
# Rebuilds the committed fuzz inputs (tests/fuzz/README.md): seed/NAME/ from
# tests/fixtures (the public samples, the head of each bed trace, the
# kernel's exit table) and a small recording built here from
# docs/record-format.md; regress/NAME/ from the findings of issue 13, each
# the shape of the input that showed it.
set -eu
cd "$(dirname "$0")/../.."
F=tests/fuzz
rm -rf "$F/seed" "$F/regress"
mkdir -p "$F"/seed/{trace,record,kernel_stats,analyze} "$F"/regress/{trace,record,kernel_stats,analyze}

for f in tests/fixtures/public/*.txt; do
	cp "$f" "$F/seed/trace/$(basename "$f")"
done
for f in tests/fixtures/bed/{ftrace-16,ftrace-64-vcpus2,perf-16,trace-cmd-16,trace-cmd-noplugin-16}.txt; do
	head -n 60 "$f" >"$F/seed/trace/bed-$(basename "$f")"
done
cp kernel/tests/fixtures/exit_stats-svm.txt "$F/seed/kernel_stats/"
# Recordings the bed wrote (format 5: detail keys, EPT pages), kept beside the script.
cp "$F"/bed-recordings/*.exr "$F/seed/record/"

python3 - "$F" <<'EOF'
import os, struct, sys, zlib
F = sys.argv[1]

def varint(v):
    out = bytearray()
    while v >= 0x80:
        out.append((v & 0x7f) | 0x80)
        v >>= 7
    out.append(v)
    return bytes(out)

def block(typ, raw, nev, nkeys, base, lost, version=2, nkeys_hdr=None):
    comp = zlib.compress(raw, 6)
    h = struct.pack('<IIIIIIQQ', 0x31425845, typ, len(comp), len(raw), nev,
                    nkeys if nkeys_hdr is None else nkeys_hdr, base, lost)
    if version == 1:
        crc = zlib.crc32(h + comp)
        return h + struct.pack('<II', crc, 0) + comp
    h += struct.pack('<I', 0)
    return h + struct.pack('<I', zlib.crc32(h + comp)) + comp

def header(version=2):
    h = bytearray(64)
    h[0:8] = b'EXITREC\0'
    struct.pack_into('<HHIQQI', h, 8, version, 64, 1, 1700000000000000000, 1000000000, 4242)
    h[36:36 + 14] = b'bpf tp_btf\0\0\0\0'
    struct.pack_into('<I', h, 60, zlib.crc32(bytes(h[:60])))
    return bytes(h)

# two vCPU threads, SVM io / cpuid / hlt, exits 5 us apart, 2 us in exit
keys = [(4242, 4243, 1, 2, 0x7b), (4242, 4244, 2, 2, 0x72), (4242, 4243, 1, 2, 0x78)]
def events_block(n, base, version=2, nkeys_hdr=None):
    raw = b''.join(varint(x) for k in keys for x in k)
    for i in range(n):
        raw += varint(i % 3) + varint(0 if i == 0 else 10000) + varint(2001 if i % 7 else 0)
    return block(1, raw, n, len(keys), base, 0, version, nkeys_hdr)

def trailer(written, version=2):
    return block(2, varint(4) + varint(written) + varint(0) + varint(written) + varint(0), 0, 0, 0, 0,
                 version)

def rec(version=2, nkeys_hdr=None):
    return (header(version) + events_block(20, 1000000000, version, nkeys_hdr) +
            events_block(20, 1000200000, version) + trailer(40, version))

open(f'{F}/seed/record/v2-40-exits.rec', 'wb').write(rec())
open(f'{F}/seed/record/v1-40-exits.rec', 'wb').write(rec(1))
open(f'{F}/seed/analyze/recording.rec', 'wb').write(b'\0' + rec())
# finding: nkeys 0xffffffff in a block header (with a right CRC) asked for 80 GB
open(f'{F}/regress/record/nkeys-80GB.rec', 'wb').write(rec(2, 0xffffffff))
open(f'{F}/regress/record/nkeys-80GB-v1.rec', 'wb').write(rec(1, 0xffffffff))
# finding: version 1's reserved bytes 44-47 were outside the CRC
r = bytearray(rec(1)); r[64 + 44] = 0x5a
open(f'{F}/regress/record/v1-reserved-byte.rec', 'wb').write(r)
# a damaged middle block: the reader goes on with the next
r = bytearray(rec()); r[64 + 48 + 10] ^= 0xff
open(f'{F}/regress/record/damaged-first-block.rec', 'wb').write(r)
EOF

# trace findings: a byte after `kvm_exit:` (NUL, X) made the exit another event;
# one integer timestamp relabelled a nanosecond trace as ticks.
good='       exitgen-160     [000] d..1.     8.537511: kvm_exit: vcpu 0 reason io rip 0x9 info1 0x0000000000e00040 info2 0x000000000000000c intr_info 0x00000000 error_code 0x00000000'
entry='       exitgen-160     [000] d..1.     8.537520: kvm_entry: vcpu 0, rip 0xc'
printf '%s\n%s\n' "$good" "${good/kvm_exit: /kvm_exit:X}" >"$F/regress/trace/kvm_exit-X.txt"
printf '%s\n%s\0%s\n' "$good" "${good%%kvm_exit: *}kvm_exit:" "vcpu 0 reason io rip 0x9" >"$F/regress/trace/kvm_exit-NUL.txt"
printf '%s\n%s\n%s\n' "$good" "$entry" "${good/8.537511/8537611}" >"$F/regress/trace/mixed-timestamp-units.txt"
# kernel-stats finding: a CRLF table put a raw CR into the error message
printf '# isa code count cycles name\r\nsvm 0x07b 1000 123456 io\r\n# total 1000 12345x\r\n' >"$F/regress/kernel_stats/crlf.txt"
# analysis finding: 0.3 ms windows (first byte 2) over 44 exits spanning 39 s wrote 364 MB
{ printf '\002'; head -n 80 tests/fixtures/bed/ftrace-16.txt | grep -v '^#' | head -n 60
  tail -n +300 tests/fixtures/bed/ftrace-16.txt | head -n 6 |
	awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { split($i, t, "."); $i = (t[1] + 39) "." t[2] } print }'
} >"$F/regress/analyze/window-0.3ms-39s.txt"
for f in "$F"/seed/trace/bed-ftrace-16.txt tests/fixtures/public/14-ctf-kvm500-writeup-2018.txt; do
	{ printf '\000'; cat "$f"; } >"$F/seed/analyze/$(basename "$f")"
done
