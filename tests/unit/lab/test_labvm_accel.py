# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab VM's choice of accelerator: forced by OVPN6_LAB_ACCEL, else KVM only when a probe boot shows
its first console line in time; the verdict kept for the host's boot."""

from __future__ import annotations

import json

import pytest

from labvm import accel

USABLE = (True, "/dev/kvm is usable")


def _never(*_args):
    raise AssertionError("the probe must not run")


@pytest.mark.parametrize("value, expected", [
    (None, "auto"), ("", "auto"), ("auto", "auto"), ("KVM", "kvm"), (" tcg ", "tcg"),
])
def test_requested_reads_the_environment(value, expected):
    env = {} if value is None else {accel.ACCEL_ENV: value}
    assert accel.requested(env) == expected


@pytest.mark.parametrize("value", ["hvf", "kvm,tcg", "yes"])
def test_requested_refuses_other_values_naming_them(value):
    with pytest.raises(accel.AccelError, match=f"OVPN6_LAB_ACCEL='{value}' is not one of auto, kvm, tcg"):
        accel.requested({accel.ACCEL_ENV: value})


@pytest.mark.parametrize("value", ["0", "-1", "soon", "121"])
def test_probe_seconds_refuses_nonsense(value):
    with pytest.raises(accel.AccelError, match=f"OVPN6_LAB_KVM_PROBE_SECONDS='{value}'"):
        accel.probe_seconds({accel.PROBE_SECONDS_ENV: value})


def test_probe_seconds_default_and_given():
    assert accel.probe_seconds({}) == accel.DEFAULT_PROBE_SECONDS
    assert accel.probe_seconds({accel.PROBE_SECONDS_ENV: "2.5"}) == 2.5


def test_forced_choices_do_not_probe():
    assert accel.decide("tcg", USABLE, _never).accel == "tcg"
    assert accel.decide("kvm", (False, "/dev/kvm does not exist"), _never).accel == "kvm"


def test_auto_without_a_device_is_tcg_without_probing():
    choice = accel.decide("auto", (False, "/dev/kvm does not exist"), _never)
    assert choice == accel.Choice("tcg", "no KVM: /dev/kvm does not exist")


def test_auto_uses_kvm_when_the_probe_sees_the_console():
    choice = accel.decide("auto", USABLE, lambda: (True, "first console line after 0.4 s"))
    assert choice.accel == "kvm" and "0.4 s" in choice.reason


def test_auto_falls_back_to_tcg_when_the_probe_hangs():
    choice = accel.decide("auto", USABLE, lambda: (False, "no console line within 5 s"))
    assert choice.accel == "tcg"
    assert choice.reason == "KVM probe failed, falling back to TCG: no console line within 5 s"


def test_choose_probes_once_per_host_boot(tmp_path):
    cache = tmp_path / "kvm-probe.json"
    calls = []

    def probe(kernel, seconds):
        calls.append((kernel, seconds))
        return False, f"no console line within {seconds:g} s"

    env = {accel.PROBE_SECONDS_ENV: "3"}
    first = accel.choose(tmp_path / "vmlinuz", cache, env=env, device=USABLE, probe=probe)
    second = accel.choose(tmp_path / "vmlinuz", cache, env=env, device=USABLE, probe=probe)
    assert first.accel == second.accel == "tcg"
    assert calls == [(tmp_path / "vmlinuz", 3.0)]
    assert "probed earlier in this host boot" in second.reason
    # a verdict from another boot of the host is not trusted
    cache.write_text(json.dumps({"boot_id": "another boot", "accel": "kvm", "reason": "old"}))
    assert accel.choose(tmp_path / "vmlinuz", cache, env=env, device=USABLE, probe=probe).accel == "tcg"
    assert len(calls) == 2


def test_forcing_ignores_and_keeps_the_cached_verdict(tmp_path):
    cache = tmp_path / "kvm-probe.json"
    accel.choose(tmp_path / "vmlinuz", cache, env={}, device=USABLE, probe=lambda *_: (True, "first console line"))
    assert accel.choose(tmp_path / "vmlinuz", cache, env={accel.ACCEL_ENV: "tcg"}, probe=_never).accel == "tcg"
    assert json.loads(cache.read_text())["accel"] == "kvm"


def _stand_in_qemu(tmp_path, monkeypatch, script):
    """Put a shell script first on PATH as qemu-system-x86_64."""
    fake = tmp_path / "qemu-system-x86_64"
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")


def test_probe_reports_a_qemu_that_exits(tmp_path, monkeypatch):
    # A stand-in qemu that fails at once: the probe says so instead of waiting out its deadline.
    _stand_in_qemu(tmp_path, monkeypatch, "echo 'Could not access KVM kernel module: Permission denied' >&2\nexit 1\n")
    works, detail = accel.probe_kvm(tmp_path / "vmlinuz", 5)
    assert not works
    assert "qemu exited 1 before any console line" in detail and "Permission denied" in detail


def test_probe_kills_a_guest_that_prints_nothing(tmp_path, monkeypatch):
    _stand_in_qemu(tmp_path, monkeypatch, "exec sleep 60\n")
    works, detail = accel.probe_kvm(tmp_path / "vmlinuz", 0.5)
    assert (works, detail) == (False, "no console line within 0.5 s")


def test_probe_sees_the_first_console_line(tmp_path, monkeypatch):
    # The stand-in writes the kernel's first line to the serial file QEMU was given (-serial file:PATH).
    _stand_in_qemu(tmp_path, monkeypatch, 'for a; do case "$a" in file:*) out="${a#file:}";; esac; done\n'
                                          'printf "Linux version 6.1.0-test\\n" > "$out"\nexec sleep 60\n')
    works, detail = accel.probe_kvm(tmp_path / "vmlinuz", 5)
    assert works and detail.startswith("first console line after")
