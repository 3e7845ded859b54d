"""The lab's Linux VM: a Debian image built from Debian packages, booted with QEMU.

`labvm.image` builds (and caches) the disk image, kernel and initrd; `labvm.vm` runs one instance of
it on a throw-away qcow2 overlay, reachable only through an SSH forward on 127.0.0.1.
"""
