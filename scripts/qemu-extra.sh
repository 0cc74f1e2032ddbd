# Sourced by the scripts that boot QEMU: QEMU_EXTRA_ARGS, split at
# whitespace (no quoting), as the array `qemu_extra`, for the caller to
# append to its QEMU command. The KVM probe does not use it: it only asks
# whether KVM works, and extra arguments such as `-S` would stall it.
qemu_extra=()
if [[ -n ${QEMU_EXTRA_ARGS:-} ]]; then
    read -ra qemu_extra <<<"$QEMU_EXTRA_ARGS"
fi
