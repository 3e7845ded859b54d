"""The lab VM itself: reachable, isolated, and able to do what the hub roles need."""

import json


def test_sit_module_loads(lab_vm):
    lab_vm.ssh("modprobe sit")
    modules = lab_vm.ssh("cat /proc/modules").stdout
    assert any(line.split()[0] == "sit" for line in modules.splitlines())


def test_vm_reaches_nothing_outside(lab_vm):
    routes = json.loads(lab_vm.ssh("ip -j route show default").stdout)
    assert [(r["dev"], r["gateway"]) for r in routes] == [("eth0", "10.0.2.2")]
    # restrict=on: the default route leads nowhere; not even the QEMU gateway answers TCP from the guest
    for address in ("10.0.2.2", "192.0.2.1"):
        probe = lab_vm.ssh(
            f"python3 -c 'import socket; socket.create_connection((\"{address}\", 80), timeout=3)'", check=False
        )
        assert probe.returncode == 1 and "Error" in probe.stderr, (address, probe.stderr)


def test_hub_tools_present(lab_vm):
    versions = lab_vm.ssh("openvpn --version | head -n1; nft --version; systemctl is-system-running || true").stdout
    assert "OpenVPN 2.6" in versions
    assert "nftables" in versions
    assert versions.strip().splitlines()[-1] == "running"


def test_ansible_reaches_hub(lab_vm, run_playbook):
    play = """
- hosts: ovpn6_hubs
  gather_facts: true
  tasks:
    - name: Report the service manager
      ansible.builtin.debug:
        var: ansible_facts.service_mgr
"""
    run = run_playbook(play, inventory=lab_vm.inventory())
    assert run.rc == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert run.task("Report the service manager", "hub").result["ansible_facts.service_mgr"] == "systemd"
