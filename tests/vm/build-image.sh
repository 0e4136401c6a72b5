#!/bin/sh
# Builds the Debian 12 thin client the kiosk test boots: Debian's own packages, systemd as init,
# console-setup with a Swedish keyboard and the Lat15 codeset, a root shell on the serial line for
# the test to look inside. gpm is installed but off (the machine has no network for apt to fetch
# it): the README's kiosk recipe turns it on. No loop devices: the root file system is made from
# a directory.
#
# Usage: build-image.sh OUTDIR   (writes OUTDIR/base.qcow2, OUTDIR/vmlinuz, OUTDIR/initrd.img)
set -eu
out=$1
# The Debian archive this machine's apt already uses for bookworm.
mirror=${MALBILD_VM_MIRROR:-$(apt-cache policy | awk '$3 == "bookworm/main" {print $2; exit}')}
[ -n "$mirror" ] || { echo "no bookworm archive in apt's sources; set MALBILD_VM_MIRROR" >&2; exit 1; }
work=$(mktemp -d "${out%/}.build.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root

mmdebstrap --variant=apt --mode=root \
    --include=systemd,systemd-sysv,udev,dbus,kbd,console-setup,linux-image-amd64,initramfs-tools,passwd,procps,gpm \
    --essential-hook='mkdir -p "$1/etc/default"
        printf "XKBMODEL=pc105\nXKBLAYOUT=se\nXKBVARIANT=\nXKBOPTIONS=\nBACKSPACE=guess\n" > "$1/etc/default/keyboard"
        printf "ACTIVE_CONSOLES=\"/dev/tty[1-6]\"\nCHARMAP=\"UTF-8\"\nCODESET=\"Lat15\"\nFONTFACE=\"Fixed\"\nFONTSIZE=\"8x16\"\nVIDEOMODE=\n" > "$1/etc/default/console-setup"' \
    --customize-hook='echo malbild-vm > "$1/etc/hostname"
        printf "/dev/vda / ext4 defaults 0 1\n" > "$1/etc/fstab"
        mkdir -p "$1/etc/systemd/system/serial-getty@ttyS0.service.d"
        printf "[Service]\nExecStart=\nExecStart=-/sbin/agetty --autologin root --noclear --keep-baud 115200 %%I dumb\n" > "$1/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf"
        chroot "$1" systemctl disable gpm.service
        chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer man-db.timer
        cp -L "$1/vmlinuz" "'"$work"'/vmlinuz"
        cp -L "$1/initrd.img" "'"$work"'/initrd.img"' \
    bookworm "$root" "$mirror"

mkfs.ext4 -q -F -L malbild-vm -d "$root" "$work/root.img" 3G
qemu-img convert -f raw -O qcow2 "$work/root.img" "$work/base.qcow2"
mkdir -p "$out"
mv "$work/vmlinuz" "$work/initrd.img" "$work/base.qcow2" "$out/"
