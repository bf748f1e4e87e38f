#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The VM's initramfs: a static busybox, the modules that mount the host's file systems over virtio-9p
# (with their dependencies, as modprobe resolves them for kernel KVER), and tests/vm/init.
#   mkinitramfs.sh KVER INIT IMAGE
set -e
kver=$1
init=$2
img=$3
bb=$(command -v busybox) || { echo "no busybox" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/proc" "$tmp/sys" "$tmp/dev" "$tmp/newroot" "$tmp/results" "$tmp/modules"
cp "$bb" "$tmp/bin/busybox"
cp "$init" "$tmp/init"
chmod 755 "$tmp/init" "$tmp/bin/busybox"
# virtio_pci carries the 9p devices; 9pnet_virtio is the transport, 9p the file system. A module built
# into the kernel shows as "builtin" and needs nothing.
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$tmp/list"
: >"$tmp/modules/order"
while read -r ko; do
	name=$(basename "$ko")
	# busybox's insmod takes plain objects: unpack compressed ones
	case $name in
	*.ko.xz) xz -dc "$ko" >"$tmp/modules/${name%.xz}"; name=${name%.xz} ;;
	*.ko.zst) zstd -qdc "$ko" >"$tmp/modules/${name%.zst}"; name=${name%.zst} ;;
	*.ko.gz) gzip -dc "$ko" >"$tmp/modules/${name%.gz}"; name=${name%.gz} ;;
	*) cp "$ko" "$tmp/modules/$name" ;;
	esac
	echo "$name" >>"$tmp/modules/order"
done <"$tmp/list"
(cd "$tmp" && find . ! -name list | "$bb" cpio -o -H newc 2>/dev/null) | gzip -1 >"$img.tmp"
mv "$img.tmp" "$img"
