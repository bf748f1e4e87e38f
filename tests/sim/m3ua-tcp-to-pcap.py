#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Wireshark 4.0 decodes M3UA only over SCTP. This takes a loopback capture of M3UA over TCP, follows each
# TCP direction, cuts the byte stream by the M3UA length field and writes one raw M3UA message per record
# (link type 147, read with: tshark -o 'uat:user_dlts:"User 0 (DLT=147)","m3ua","0","","0",""').
import struct
import sys


def records(path):
    with open(path, 'rb') as f:
        hdr = f.read(24)
        magic = struct.unpack('<I', hdr[:4])[0]
        endian = '<' if magic in (0xa1b2c3d4, 0xa1b23c4d) else '>'
        linktype = struct.unpack(endian + 'I', hdr[20:24])[0]
        while True:
            rh = f.read(16)
            if len(rh) < 16:
                return
            ts, tus, caplen, _ = struct.unpack(endian + 'IIII', rh)
            yield linktype, ts, tus, f.read(caplen)


def tcp_payload(linktype, pkt):
    off = {1: 14, 113: 16, 276: 20}.get(linktype)   # Ethernet (lo), Linux cooked v1/v2
    if off is None or len(pkt) < off + 20:
        return None
    ip = pkt[off:]
    if ip[0] >> 4 != 4 or ip[9] != 6:
        return None
    ihl = (ip[0] & 15) * 4
    tcp = ip[ihl:]
    sport, dport, seq = struct.unpack('>HHI', tcp[:8])
    doff = (tcp[12] >> 4) * 4
    return (ip[12:16], sport, ip[16:20], dport), seq, tcp[doff:]


def main(src, dst):
    streams = {}
    out = open(dst, 'wb')
    out.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 147))
    n = 0
    for linktype, ts, tus, pkt in records(src):
        r = tcp_payload(linktype, pkt)
        if not r or not r[2]:
            continue
        key, seq, data = r
        st = streams.setdefault(key, {'next': None, 'buf': b''})
        if st['next'] is not None and seq != st['next']:
            continue                                   # retransmission or gap: loopback has none
        st['next'] = (seq + len(data)) & 0xffffffff
        st['buf'] += data
        while len(st['buf']) >= 8:
            length = struct.unpack('>I', st['buf'][4:8])[0]
            if length < 8 or len(st['buf']) < length:
                break
            msg, st['buf'] = st['buf'][:length], st['buf'][length:]
            out.write(struct.pack('<IIII', ts, tus, len(msg), len(msg)) + msg)
            n += 1
    out.close()
    print('%d M3UA messages' % n, file=sys.stderr)


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
