"""The lab's hub containers: Debian root file systems made with mmdebstrap and imported into Podman,
systemd as PID 1, cached by a hash of their recipe (molecule/hub-containers uses them)."""
