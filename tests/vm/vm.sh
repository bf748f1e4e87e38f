#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Runs a script inside a throwaway VM whose kernel has SCTP (the machines' own kernel has none):
#   vm.sh OUT SCRIPT [ARGS...]
# qemu (TCG) boots the newest installed Debian kernel that has sctp.ko with a small initramfs built here
# (tests/vm/mkinitramfs.sh, tests/vm/init). The VM sees the host's / read-only over virtio-9p and OUT
# writable at the same path, chroots into the host's tree and runs `sh SCRIPT ARGS` in OUT as root, with
# tmpfs on /run, /tmp, /var/tmp and /dev/shm, then powers off. The script's exit status is this one's;
# OUT/console.log keeps the VM's console. Exits 77 (skip) with the reason when no VM can be had. The script
# runs in this one's working directory (read-only in the VM: it writes below OUT, or in /tmp).
# Environment: VM_TIMEOUT (s, default 300: qemu is killed past it), VM_MEM (MiB, 1024), VM_SMP (1: a
# second virtual CPU doubled the CPU time and was no faster), VM_KERNEL (a /boot/vmlinuz-* to use),
# VM_ENV (names of variables to export to the script).
out=$1
script=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
skip() {
	echo "SKIP: $*"
	exit 77
}

qemu=$(command -v qemu-system-x86_64) || skip "no qemu-system-x86_64 (Debian qemu-system-x86)"
command -v busybox >/dev/null && [ -z "$(ldd "$(command -v busybox)" 2>/dev/null | grep '=>')" ] ||
	skip "no static busybox (Debian busybox-static)"
command -v modprobe >/dev/null || skip "no modprobe (Debian kmod)"
[ "$(id -u)" = 0 ] || skip "the VM reads the host's whole / over 9p: run as root"
# the newest kernel image whose modules include SCTP
kernel=${VM_KERNEL:-}
if [ -z "$kernel" ]; then
	for k in $(ls -v /boot/vmlinuz-* 2>/dev/null); do
		kv=${k#/boot/vmlinuz-}
		ls /lib/modules/"$kv"/kernel/net/sctp/sctp.ko* >/dev/null 2>&1 && kernel=$k
	done
fi
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no kernel with an SCTP module in /boot (Debian linux-image-amd64)"
kver=${kernel#/boot/vmlinuz-}

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/vm.status" "$out/vm.env" "$out/console.log"
# the initramfs depends only on the kernel and the two files that make it: built once per build tree
img=$(pwd)/vm-img/initramfs-$kver.img
if [ ! -s "$img" ] || [ "$here/init" -nt "$img" ] || [ "$here/mkinitramfs.sh" -nt "$img" ]; then
	mkdir -p vm-img
	sh "$here/mkinitramfs.sh" "$kver" "$here/init" "$img" || { echo "FAIL: cannot build the initramfs"; exit 1; }
fi
script=$(cd "$(dirname "$script")" && pwd)/$(basename "$script")
# what the guest needs to know: the paths (the guest sees the host's tree at the same paths, OUT
# writable), the arguments, and the variables named in VM_ENV, exported
{
	echo "VM_OUT='$out'"
	echo "VM_SCRIPT='$script'"
	echo "VM_ARGS='$*'"
	echo "VM_CWD='$(pwd)'"
	for v in $VM_ENV; do
		eval "echo \"export $v='\$$v'\""
	done
} >"$out/vm.env"

# KVM fails on these machines (an MSR assertion with -cpu host, a hang otherwise): TCG, the same everywhere
t0=$(date +%s)
timeout -k 5 "${VM_TIMEOUT:-300}" "$qemu" -accel tcg -m "${VM_MEM:-1024}" -smp "${VM_SMP:-1}" \
	-kernel "$kernel" -initrd "$img" -append "console=ttyS0 panic=-1 quiet loglevel=4" \
	-no-reboot -display none -monitor none -serial file:"$out/console.log" -nic none \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$out",mount_tag=results,security_model=none,multidevs=remap \
	>"$out/qemu.log" 2>&1
qrc=$?
t1=$(date +%s)
echo "vm: $kver, qemu exited $qrc after $((t1 - t0)) s"
if [ $qrc = 124 ] || [ $qrc = 137 ]; then
	echo "FAIL: the VM did not finish within ${VM_TIMEOUT:-300} s; its console:"
	tail -50 "$out/console.log"
	exit 1
fi
if [ ! -f "$out/vm.status" ]; then
	echo "FAIL: the VM ended without the script's status (qemu exited $qrc); qemu said:"
	cat "$out/qemu.log"
	echo "its console:"
	tail -50 "$out/console.log"
	exit 1
fi
rc=$(cat "$out/vm.status")
[ "$rc" = 0 ] || { echo "the script in the VM exited $rc; the end of its console:"; tail -30 "$out/console.log"; }
exit "$rc"
