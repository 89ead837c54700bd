#!/usr/bin/env python3
"""Replay a real perf.data or trace.dat of kvm_exit/kvm_entry events to N exits.

bench-report (report-speed.sh) times `perf script` and `trace-cmd report` on the
same number of exits as exitstat reads. Their files cannot be made without
real kvm_exit events, so a small real one (recorded in the real-KVM bed,
make-peer-fixtures.sh) is repeated, its timestamps moved on by its span at
every copy, until at least N kvm_exit events: whole copies, so the count is a
multiple of the template's (printed on stdout: `EXITS EVENTS`).

  replay.py perf TEMPLATE.data N OUT     perf.data (PERFILE2): every sample and
      FINISHED_ROUND record of the data section again per copy, sample times
      shifted; the feature sections after the data moved along.
  replay.py tracedat TEMPLATE.dat N OUT  trace-cmd trace.dat version 6 (flyrecord,
      uncompressed): every ring-buffer page of each CPU again per copy, the
      page's timestamp shifted (events carry deltas from it).
"""
import struct
import sys

PERF_RECORD_SAMPLE = 9
PERF_RECORD_FINISHED_ROUND = 68
PERF_RECORD_USER_TYPE_START = 64
SAMPLE_IP, SAMPLE_TID, SAMPLE_TIME, SAMPLE_ADDR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
SAMPLE_ID, SAMPLE_CPU, SAMPLE_STREAM_ID, SAMPLE_IDENTIFIER = 1 << 6, 1 << 7, 1 << 9, 1 << 16


def die(msg):
    sys.exit("replay.py: " + msg)


def perf(template, n, out):
    buf = open(template, "rb").read()
    if buf[:8] != b"PERFILE2":
        die(f"{template}: not a perf.data file (no PERFILE2 magic)")
    hsize, attr_size, a_off, a_size, d_off, d_size = struct.unpack_from("<6Q", buf, 8)
    features = int.from_bytes(buf[72:104], "little")
    # Every event's sample_type (offset 24 in perf_event_attr) and ids; the
    # first attr is kvm_exit (perf record -e kvm:kvm_exit -e kvm:kvm_entry).
    attrs = []
    for off in range(a_off, a_off + a_size, attr_size):
        stype = struct.unpack_from("<Q", buf, off + 24)[0]
        ids_off, ids_size = struct.unpack_from("<2Q", buf, off + attr_size - 16)
        ids = struct.unpack_from(f"<{ids_size // 8}Q", buf, ids_off)
        attrs.append((stype, ids))
    exit_ids = set(attrs[0][1])

    def layout(stype):
        """Where the time and the id sit in a sample of this sample_type."""
        pos, id_at = 8, None
        if stype & SAMPLE_IDENTIFIER:
            id_at = pos
            pos += 8
        pos += 8 * bool(stype & SAMPLE_IP) + 8 * bool(stype & SAMPLE_TID)
        if id_at is None and stype & SAMPLE_ID:
            id_at = pos + 8 + 8 * bool(stype & SAMPLE_ADDR)
        return (pos if stype & SAMPLE_TIME else None), id_at

    # With IDENTIFIER (perf's choice for several events) the id comes first
    # whatever else the event samples; else all events must sample alike.
    if all(a[0] & SAMPLE_IDENTIFIER for a in attrs):
        by_id = {i: layout(a[0])[0] for a in attrs for i in a[1]}
        stype_of = {i: a[0] for a in attrs for i in a[1]}
        id_at = 8
    elif len({a[0] for a in attrs}) == 1:
        time_at, id_at = layout(attrs[0][0])
        by_id = None
        if id_at is None and len(attrs) > 1:
            die(f"{template}: samples without an id, cannot tell kvm_exit")
    else:
        die(f"{template}: events with different sample types and no IDENTIFIER")

    head = bytearray()      # the records of copy 0 (all of them)
    rep = bytearray()       # what each further copy repeats: samples and rounds
    rep_times = []          # offsets of sample times in rep
    times = []
    other_times = []
    exits = 0
    p, end = d_off, d_off + d_size
    while p < end:
        rtype, _, rsize = struct.unpack_from("<IHH", buf, p)
        if rsize < 8:
            die(f"{template}: bad record at offset {p}")
        rec = buf[p:p + rsize]
        head += rec
        if rtype == PERF_RECORD_SAMPLE:
            sid = struct.unpack_from("<Q", rec, id_at)[0] if id_at is not None else None
            at = by_id.get(sid) if by_id is not None else time_at
            if at is None:
                die(f"{template}: a sample without time at offset {p}")
            times.append(struct.unpack_from("<Q", rec, at)[0])
            rep_times.append(len(rep) + at)
            exits += id_at is None or sid in exit_ids
            rep += rec
        elif rtype == PERF_RECORD_FINISHED_ROUND:
            rep += rec
        elif rtype < PERF_RECORD_USER_TYPE_START and by_id is not None and rsize >= 16:
            # The kernel's other records end in a sample_id trailer (sample_id_all):
            # ... TIME [ID] [STREAM_ID] [CPU] IDENTIFIER. Their times bound the span too.
            st = stype_of.get(struct.unpack_from("<Q", rec, rsize - 8)[0])
            if st is not None and st & SAMPLE_TIME:
                back = 8 + 8 * sum(bool(st & b) for b in (SAMPLE_ID, SAMPLE_STREAM_ID, SAMPLE_CPU))
                other_times.append(struct.unpack_from("<Q", rec, rsize - back - 8)[0])
        p += rsize
    if not exits:
        die(f"{template}: no kvm_exit samples")
    copies = -(-n // exits)
    span = max(times + other_times) - min(times) + 1000000
    feat_index = buf[end:end + 16 * bin(features).count("1")]
    feat_rest = buf[end + len(feat_index):]
    new_size = len(head) + (copies - 1) * len(rep)
    delta = new_size - d_size
    with open(out, "wb") as f:
        hdr = bytearray(buf[:d_off])
        struct.pack_into("<Q", hdr, 8 + 8 + 8 + 16 + 8, new_size)
        f.write(hdr)
        f.write(head)
        for _ in range(1, copies):
            for at in rep_times:
                t = struct.unpack_from("<Q", rep, at)[0]
                struct.pack_into("<Q", rep, at, t + span)
            f.write(rep)
        idx = bytearray(feat_index)
        for i in range(0, len(idx), 16):
            o = struct.unpack_from("<Q", idx, i)[0]
            struct.pack_into("<Q", idx, i, o + delta)
        f.write(idx)
        f.write(feat_rest)
    print(copies * exits, copies * len(times))


def cstr(buf, p):
    e = buf.index(b"\0", p)
    return buf[p:e].decode(), e + 1


def tracedat(template, n, out):
    buf = open(template, "rb").read()
    if buf[:10] != b"\x17\x08\x44tracing":
        die(f"{template}: not a trace-cmd trace.dat (no tracing magic)")
    version, p = cstr(buf, 10)
    if version != "6":
        die(f"{template}: trace.dat version {version}; this reads version 6 (trace-cmd record --file-version 6)")
    if buf[p] != 0 or buf[p + 1] != 8:
        die(f"{template}: not little-endian 64-bit")
    page_size = struct.unpack_from("<I", buf, p + 2)[0]
    p += 6
    for name in ("header_page", "header_event"):
        got, p = cstr(buf, p)
        if got != name:
            die(f"{template}: expected {name} at offset {p}")
        size = struct.unpack_from("<Q", buf, p)[0]
        p += 8 + size
    nft = struct.unpack_from("<I", buf, p)[0]
    p += 4
    for _ in range(nft):
        p += 8 + struct.unpack_from("<Q", buf, p)[0]
    exit_id = None
    nsys = struct.unpack_from("<I", buf, p)[0]
    p += 4
    for _ in range(nsys):
        system, p = cstr(buf, p)
        nev = struct.unpack_from("<I", buf, p)[0]
        p += 4
        for _ in range(nev):
            size = struct.unpack_from("<Q", buf, p)[0]
            fmt = buf[p + 8:p + 8 + size].decode(errors="replace")
            p += 8 + size
            if system == "kvm" and "name: kvm_exit\n" in fmt:
                exit_id = int(fmt.split("ID: ", 1)[1].split("\n", 1)[0])
    if exit_id is None:
        die(f"{template}: no kvm:kvm_exit format")
    p += 4 + struct.unpack_from("<I", buf, p)[0]     # kallsyms
    p += 4 + struct.unpack_from("<I", buf, p)[0]     # printk formats
    p += 8 + struct.unpack_from("<Q", buf, p)[0]     # saved cmdlines
    cpus = struct.unpack_from("<I", buf, p)[0]
    p += 4
    kind = buf[p:p + 10]
    if kind == b"options  \0":
        p += 10
        while True:
            oid = struct.unpack_from("<H", buf, p)[0]
            p += 2
            if oid == 0:
                break
            p += 4 + struct.unpack_from("<I", buf, p)[0]
        kind = buf[p:p + 10]
    if kind != b"flyrecord\0":
        die(f"{template}: not a flyrecord trace (at offset {p}: {kind!r})")
    p += 10
    table = p
    cpu_data = [struct.unpack_from("<2Q", buf, table + 16 * i) for i in range(cpus)]

    # Each page: u64 timestamp, u64 commit (data bytes), events with 32-bit
    # headers (type_len:5, time_delta:27). Count kvm_exit; absolute time
    # stamps (type_len 31) would not move with the page: refuse them.
    exits = events = 0
    first = last = None
    for off, size in cpu_data:
        for pg in range(off, off + size, page_size):
            ts, commit = struct.unpack_from("<QQ", buf, pg)
            commit &= (1 << 30) - 1
            q, e, t = pg + 16, pg + 16 + commit, ts
            while q < e:
                h = struct.unpack_from("<I", buf, q)[0]
                tl, delta = h & 31, h >> 5
                if tl == 29:            # padding
                    if delta == 0:
                        break
                    q += 4 + struct.unpack_from("<I", buf, q + 4)[0]
                    continue
                if tl == 30:            # time extend
                    t += delta | struct.unpack_from("<I", buf, q + 4)[0] << 27
                    q += 8
                    continue
                if tl == 31:
                    die(f"{template}: absolute time stamps in the ring buffer pages")
                t += delta
                if tl == 0:
                    length = struct.unpack_from("<I", buf, q + 4)[0] - 4
                    data = q + 8
                else:
                    length = 4 * tl
                    data = q + 4
                etype = struct.unpack_from("<H", buf, data)[0]
                events += 1
                exits += etype == exit_id
                first = t if first is None else min(first, t)
                last = t if last is None else max(last, t)
                q = data + length
    if not exits:
        die(f"{template}: no kvm_exit events")
    copies = -(-n // exits)
    span = last - first + 1000000
    data_start = cpu_data[0][0]
    with open(out, "wb") as f:
        f.write(buf[:table])
        at = data_start
        table_out = bytearray()
        for off, size in cpu_data:
            table_out += struct.pack("<2Q", at, size * copies)
            at += size * copies
            at += -at % page_size
        f.write(table_out)
        f.write(b"\0" * (data_start - table - len(table_out)))
        for off, size in cpu_data:
            pages = bytearray(buf[off:off + size])
            for c in range(copies):
                if c:
                    for pg in range(0, size, page_size):
                        ts = struct.unpack_from("<Q", pages, pg)[0]
                        struct.pack_into("<Q", pages, pg, ts + span)
                f.write(pages)
            f.write(b"\0" * (-(size * copies) % page_size))
    print(copies * exits, copies * events)


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("perf", "tracedat") or not sys.argv[3].isdigit():
        die("usage: replay.py perf|tracedat TEMPLATE N OUT")
    n = int(sys.argv[3])
    if n < 1:
        die("N must be positive")
    (perf if sys.argv[1] == "perf" else tracedat)(sys.argv[2], n, sys.argv[4])


if __name__ == "__main__":
    main()
