#!/usr/bin/env bash
# Builds a bootable ISO (BIOS and UEFI) of the kernel with the Limine boot
# loader, from a Limine binary release found at $LIMINE_DIR.
# Usage: scripts/qemu-iso.sh KERNEL INITRD OUT.iso [KERNEL ARGS...]
#        scripts/qemu-iso.sh --check   (only checks LIMINE_DIR and xorriso,
#        so `just iso` says what is missing before building anything)
set -euo pipefail
check_only=0
if [[ ${1:-} == --check ]]; then
    check_only=1
    shift
fi

how_to_get() {
    cat >&2 <<'MSG'
qemu-iso: needs a Limine 8.x binary release. Get one with:
    git clone --depth=1 --branch=v8.x-binary https://github.com/limine-bootloader/limine.git
    export LIMINE_DIR=$PWD/limine
(a later "-binary" branch works too; the kernel declares base revision 2).
Then run `just iso` again. Without Limine, `just qemu` boots the same
kernel ELF directly through QEMU's PVH entry.
MSG
    exit 1
}

[[ -n ${LIMINE_DIR:-} && -d ${LIMINE_DIR:-} ]] || how_to_get
for f in limine-bios.sys limine-bios-cd.bin limine-uefi-cd.bin BOOTX64.EFI; do
    [[ -f $LIMINE_DIR/$f ]] || { echo "qemu-iso: $LIMINE_DIR/$f missing" >&2; how_to_get; }
done
command -v xorriso >/dev/null || { echo "qemu-iso: install xorriso (apt-get install xorriso)" >&2; exit 1; }
if ((check_only)); then
    exit 0
fi
kernel=${1:?usage: qemu-iso.sh KERNEL INITRD OUT.iso [ARGS...]}
initrd=${2:?missing INITRD}
out=${3:?missing OUT.iso}
shift 3
cmdline=${*:-loglevel=5}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
limine_tool=$LIMINE_DIR/limine
if [[ ! -x $limine_tool ]]; then
    # The binary branch ships the installer as source (limine.c).
    [[ -f $LIMINE_DIR/limine.c ]] || how_to_get
    cc -O2 -std=c99 -o "$work/limine" "$LIMINE_DIR/limine.c"
    limine_tool=$work/limine
fi

root=$work/iso_root
mkdir -p "$root/boot/limine" "$root/EFI/BOOT"
cp "$kernel" "$root/boot/kernel"
cp "$initrd" "$root/boot/initramfs.cpio"
cat >"$root/boot/limine/limine.conf" <<CONF
timeout: 0

/Rust kernel
    protocol: limine
    path: boot():/boot/kernel
    cmdline: $cmdline
    module_path: boot():/boot/initramfs.cpio
CONF
cp "$LIMINE_DIR"/limine-bios.sys "$LIMINE_DIR"/limine-bios-cd.bin "$LIMINE_DIR"/limine-uefi-cd.bin "$root/boot/limine/"
cp "$LIMINE_DIR/BOOTX64.EFI" "$root/EFI/BOOT/"
mkdir -p "$(dirname "$out")"
xorriso -as mkisofs -R -r -J -b boot/limine/limine-bios-cd.bin \
    -no-emul-boot -boot-load-size 4 -boot-info-table -hfsplus \
    -apm-block-size 2048 --efi-boot boot/limine/limine-uefi-cd.bin \
    -efi-boot-part --efi-boot-image --protective-msdos-label \
    "$root" -o "$out" 2>/dev/null
"$limine_tool" bios-install "$out"
echo "qemu-iso: wrote $out (boot it with: qemu-system-x86_64 -cdrom $out -serial stdio)"
