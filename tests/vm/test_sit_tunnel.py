"""sit_tunnel, hub end, on the lab VM: converge, check mode, removal, a moved endpoint, absent.

The tests run in file order and share the VM: each builds on the state the one before left. A second
run that changes nothing and the hub's reboot are proven once for the whole network, on the converged
lab (Molecule's default scenario: idempotence; tests/vm/test_lab_end_to_end.py: the hub's reboot).
"""

from __future__ import annotations

import json

import pytest

PLAY = """
- name: Hub end of the 6in4 tunnels
  hosts: ovpn6_hubs
  gather_facts: false
  roles:
    - role: tunnelworks.ovpn6.sit_tunnel
"""

ALL_VARS = {"ovpn6_ipv6_allocation": "2001:db8:100::/48", "ovpn6_vpn_ipv4_network": "198.51.100.0/24"}
ROUTERS = {
    "rtr-a": {"ovpn6_site_id": 1},
    "rtr-b": {"ovpn6_site_id": 2},
    "rtr-c": {"ovpn6_site_id": 7, "ovpn6_sit_interface": "sit-rtr-c"},
}
# What the site plan gives for ROUTERS (written out, so a wrong plan cannot make a right test).
EXPECTED = {
    "ovpn6s1": {"remote": "198.51.100.2", "address": "2001:db8:100:ffff::1:1", "lan": "2001:db8:100:1::/64",
                "via": "2001:db8:100:ffff::1:2"},
    "ovpn6s2": {"remote": "198.51.100.3", "address": "2001:db8:100:ffff::2:1", "lan": "2001:db8:100:2::/64",
                "via": "2001:db8:100:ffff::2:2"},
    "sit-rtr-c": {"remote": "198.51.100.8", "address": "2001:db8:100:ffff::7:1", "lan": "2001:db8:100:7::/64",
                  "via": "2001:db8:100:ffff::7:2"},
}


def _inventory(lab_vm, routers=None):
    routers = ROUTERS if routers is None else routers
    return lab_vm.inventory(routers={n: {"ansible_connection": "local", **v} for n, v in routers.items()},
                            all_vars=ALL_VARS)


def _tunnels(lab_vm) -> dict:
    """Every sit interface except the kernel's sit0, with its addresses and routes, as ip reports them."""
    # no "type sit" filter: iproute2 6.1 prints an empty object for every link that filter drops
    links = json.loads(lab_vm.ssh("ip -details -json link show").stdout)
    tunnels = {}
    for link in links:
        if link.get("linkinfo", {}).get("info_kind") != "sit" or link["ifname"] == "sit0":
            continue
        name = link["ifname"]
        addresses = json.loads(lab_vm.ssh(f"ip -6 -json address show dev {name} scope global").stdout)
        routes = json.loads(lab_vm.ssh(f"ip -6 -json route show dev {name}").stdout)
        tunnels[name] = {
            "link": link,
            "addresses": [(a["local"], a["prefixlen"]) for entry in addresses for a in entry["addr_info"]],
            "routes": [(r["dst"], r.get("gateway")) for r in routes],
        }
    return tunnels


def _assert_tunnels(lab_vm, expected):
    tunnels = _tunnels(lab_vm)
    assert sorted(tunnels) == sorted(expected)
    for name, want in expected.items():
        link = tunnels[name]["link"]
        data = link["linkinfo"]["info_data"]
        assert link["linkinfo"]["info_kind"] == "sit"
        assert link["mtu"] == 1480, name
        assert "UP" in link["flags"], name
        assert (data["local"], data["remote"], data["ttl"]) == ("198.51.100.1", want["remote"], 64), name
        assert tunnels[name]["addresses"] == [(want["address"], 112)], name
        assert (want["lan"], want["via"]) in tunnels[name]["routes"], name


def _networkd_files(lab_vm) -> str:
    return lab_vm.ssh("cd /etc/systemd/network && sha256sum * | sort").stdout


@pytest.fixture(scope="module")
def hub(lab_vm):
    # the session VM may have served other roles' tests; they leave sit tunnels alone, and so start from none
    assert _tunnels(lab_vm) == {}
    return lab_vm


def test_converges(hub, run_playbook):
    run = run_playbook(PLAY, inventory=_inventory(hub))
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.changed
    _assert_tunnels(hub, EXPECTED)
    netdev = hub.ssh("cat /etc/systemd/network/60-ovpn6-sit-ovpn6s1.netdev").stdout
    assert "Kind=sit" in netdev and "Independent=true" in netdev and "Remote=198.51.100.2" in netdev


def test_check_mode_changes_nothing(hub, run_playbook):
    files, tunnels = _networkd_files(hub), _tunnels(hub)
    moved = dict(ROUTERS, **{"rtr-a": {"ovpn6_site_id": 1, "ovpn6_vpn_address": "198.51.100.77"}})
    del moved["rtr-b"]
    run = run_playbook(PLAY, inventory=_inventory(hub, moved), check=True, diff=True)
    assert run.rc == 0, run.stdout[-3000:]
    # check mode reports what it would do ...
    (files_task,) = [t for t in run.changed if "netdev" in t.name]
    # rtr-b's two files go; rtr-a's netdev changes (its VPN address moved)
    assert len(files_task.result["removed"]) == 2, files_task.result
    assert any(name.endswith(".netdev") for name in files_task.result["updated"]), files_task.result
    # ... and does none of it
    assert _networkd_files(hub) == files
    assert _tunnels(hub) == tunnels


def test_removed_router_goes_others_stay(hub, run_playbook):
    fewer = {name: v for name, v in ROUTERS.items() if name != "rtr-b"}
    # a file of the same name pattern that the role did not write is never removed
    hub.ssh("printf '[NetDev]\\nName=mine0\\nKind=dummy\\n' > /etc/systemd/network/60-ovpn6-sit-mine0.netdev")
    run = run_playbook(PLAY, inventory=_inventory(hub, fewer))
    assert run.rc == 0, run.stdout[-3000:]
    expected = {name: v for name, v in EXPECTED.items() if name != "ovpn6s2"}
    _assert_tunnels(hub, expected)
    listing = hub.ssh("ls /etc/systemd/network").stdout.split()
    assert "60-ovpn6-sit-ovpn6s2.netdev" not in listing and "60-ovpn6-sit-ovpn6s2.network" not in listing
    assert "60-ovpn6-sit-mine0.netdev" in listing
    hub.ssh("rm /etc/systemd/network/60-ovpn6-sit-mine0.netdev; ip link delete mine0 || true")
    # bring rtr-b back for the reboot test
    run = run_playbook(PLAY, inventory=_inventory(hub))
    assert run.rc == 0, run.stdout[-3000:]
    _assert_tunnels(hub, EXPECTED)


def test_changed_endpoint_recreates_tunnel(hub, run_playbook):
    moved = dict(ROUTERS, **{"rtr-a": {"ovpn6_site_id": 1, "ovpn6_vpn_address": "198.51.100.77"}})
    run = run_playbook(PLAY, inventory=_inventory(hub, moved))
    assert run.rc == 0, run.stdout[-3000:]
    _assert_tunnels(hub, dict(EXPECTED, ovpn6s1=dict(EXPECTED["ovpn6s1"], remote="198.51.100.77")))
    run = run_playbook(PLAY, inventory=_inventory(hub))
    assert run.rc == 0, run.stdout[-3000:]
    _assert_tunnels(hub, EXPECTED)


def test_absent_removes_every_tunnel(hub, run_playbook):
    run = run_playbook(PLAY, inventory=_inventory(hub), extra_vars={"sit_tunnel_state": "absent"})
    assert run.rc == 0, run.stdout[-3000:]
    assert _tunnels(hub) == {}
    assert "60-ovpn6-sit-" not in hub.ssh("ls /etc/systemd/network").stdout
    # the VM's own uplink config is not ours and stays
    assert "10-lab-uplink.network" in hub.ssh("ls /etc/systemd/network").stdout
