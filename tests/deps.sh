#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what isupgw needs to build and test on Debian 12, only the packages that are missing.
# libss7-dev: the independent far end of the MTP2/ISUP interoperability test; dahdi-source: the DAHDI
# headers (/usr/include/dahdi), so that the DAHDI HDLC link transport is built and compiled in CI.
# sip-tester: SIPp, the SIP peer of the end-to-end gateway tests; kamailio: its sipt module reads our
# SIP-T bodies independently in make check, and it is the reference of the call-rate benchmark.
# openssl: the command that makes the test CA and certificates of the SIP over TLS test.
# clang-format-14: make check-format (the version is pinned: another formats differently).
# libmicrohttpd-dev: the Prometheus endpoint's HTTP server; prometheus (with promtool) and curl: the
# metrics test scrapes it with a real Prometheus.
# qemu-system-x86, linux-image-amd64, busybox-static: the throwaway VM whose kernel has SCTP (tests/vm; the
# kernel need not be the running one); osmo-stp: the STP the gateway's M3UA over SCTP is tested against.
# libsystemd-dev: the daemon's notifications to systemd (optional at build time, tested when present);
# systemd: systemd-analyze and systemd-sysusers check the unit; mandoc: lints the man pages (groff-base,
# man-db render them); logrotate: reads the installed snippet. debhelper, dpkg-dev, lintian: make
# check-package builds the Debian package and checks it.
set -e
PKGS="build-essential autoconf automake libtool pkg-config
      libosmocore-dev libtalloc-dev libsofia-sip-ua-dev libsofia-sip-ua-glib-dev libspandsp-dev libssl-dev
      libcunit1-dev tshark clang clang-format-14 python3 sip-tester kamailio openssl
      libss7-dev dahdi-source libmicrohttpd-dev prometheus curl qemu-system-x86 linux-image-amd64
      busybox-static osmo-stp iproute2 kmod
      libsystemd-dev systemd groff-base man-db mandoc logrotate
      debhelper dpkg-dev lintian"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# tshark asks whether non-root users may capture; the answer does not matter here
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get install -y -q --no-install-recommends $missing
