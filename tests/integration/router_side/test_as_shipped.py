# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The router side of site.yml (mikrotik_ovpn_client, then sit_tunnel) on routers as they ship.

A router with MikroTik's default configuration (LAN bridge, WAN/LAN lists, a firewall with FastTrack)
and a blank one (a CHR or a netinstalled router). The defconf entries must come out byte for byte
as they went in, after converge and after state absent; our accept rules must precede FastTrack.
"""

from __future__ import annotations

import json
import re

import pytest

from routeros_emu.testing import EmulatedRouter
from routerside_lab import PLAYBOOK as ROUTER_PLAYBOOK
from routerside_lab import inventory, is_ours, role_vars

PLAYBOOK = ROUTER_PLAYBOOK + """
- name: Router end of the 6in4 tunnel
  hosts: ovpn6_routers
  gather_facts: false
  roles:
    - role: tunnelworks.ovpn6.sit_tunnel
"""
# Every menu the router side touches.
TOUCHED = ("/interface/ovpn-client", "/interface/6to4", "/ip/firewall/filter", "/ip/firewall/mangle",
           "/ip/firewall/nat", "/ip/route", "/ipv6/address", "/ipv6/route", "/ipv6/firewall/filter", "/routing/table",
           "/interface/list", "/interface/list/member", "/ip/firewall/address-list", "/interface/bridge/port",
           "/ip/address")


def _not_ours(router):
    """The full print of every touched menu, our entries left out: what must never change."""
    lines = []
    for line in router.full_print(TOUCHED).splitlines():
        if line.startswith("  ") and is_ours(json.loads(line)):
            continue
        lines.append(line)
    return "\n".join(lines)


def _changes(result, placement=True):
    """Every change of every task; without ``placement`` the "(before ...)" part is left out: in check mode
    the second role cannot see the entries the first role's task would have added."""
    found = []
    for task in result:
        for item in task.result.get("results", [task.result]):
            found.extend(change if placement else re.sub(r" \(before [^)]*\)+$| \(at the end\)$", "", change)
                         for change in item.get("changes") or [])
    return found


def _assert_ok(result):
    assert result.rc == 0, [(task.name, task.msg) for task in result.failed] or result.stderr[-3000:]


def _remove_all(run_playbook, hosts, extra):
    removed = run_playbook(PLAYBOOK, inventory=hosts, extra_vars=dict(
        extra, mikrotik_ovpn_client_state="absent", sit_tunnel_state="absent"))
    _assert_ok(removed)
    assert removed.changed


@pytest.mark.slow
@pytest.mark.parametrize("release", ["6.49.18", "7.16", "7.24"])
def test_defconf_router_keeps_its_entries_and_our_rules_precede_fasttrack(release, pki, run_playbook):
    with EmulatedRouter(release=release, password="lab-secret", factory="defconf") as router:
        shipped = _not_ours(router)
        assert "fasttrack-connection" in shipped, "the defconf router has no FastTrack rule: the test proves nothing"
        hosts = inventory(router)
        extra = role_vars(pki)

        checked = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts, check=True)
        _assert_ok(checked)
        assert _not_ours(router) == shipped and not [line for line in router.full_print(TOUCHED).splitlines()
                                                     if "ovpn6:" in line]
        converged = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts)
        _assert_ok(converged)
        assert _changes(converged, False) == _changes(checked, False) and _changes(converged)
        assert _not_ours(router) == shipped

        forward = [row for row in router.rows("/ip/firewall/filter")
                   if row.get("chain") == "forward" and str(row.get("dynamic")).lower() != "true"]
        actions = [row.get("comment") if is_ours(row) else row["action"] for row in forward]
        fasttrack = actions.index("fasttrack-connection")
        assert actions.index("ovpn6:policy:vpn-connections-off-fasttrack") < fasttrack, actions
        inputs = [row.get("comment") for row in router.rows("/ip/firewall/filter") if row.get("chain") == "input"]
        assert inputs[:2] == ["ovpn6:sit:6in4-from-hub", "ovpn6:policy:manage-from-vpn"] or \
            inputs[:2] == ["ovpn6:policy:manage-from-vpn", "ovpn6:sit:6in4-from-hub"], inputs
        if not release.startswith("6."):
            # 7.x defconf has an IPv6 firewall that drops forwarded traffic not from the LAN list.
            forward6 = [row.get("comment") for row in router.rows("/ipv6/firewall/filter") if row.get("chain") == "forward"]
            assert forward6[:2] == ["ovpn6:sit:hub-to-lan", "ovpn6:sit:lan-to-hub"], forward6

        again = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts)
        _assert_ok(again)
        assert not again.changed, _changes(again)

        _remove_all(run_playbook, hosts, extra)
        assert not [line for line in router.full_print(TOUCHED).splitlines() if "ovpn6:" in line]
        assert _not_ours(router) == shipped


@pytest.mark.slow
def test_blank_router_gets_the_same_network(pki, run_playbook):
    with EmulatedRouter(release="7.22.3", password="lab-secret", factory="blank") as router:
        shipped = _not_ours(router)
        hosts = inventory(router, ovpn6_lan_interface="ether2")
        extra = role_vars(pki)
        converged = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts)
        _assert_ok(converged)
        ours = [row.get("comment") for row in router.rows("/ip/firewall/filter") if is_ours(row)]
        assert "ovpn6:policy:vpn-connections-off-fasttrack" in ours and "ovpn6:sit:6in4-from-hub" in ours
        assert [row for row in router.rows("/ip/firewall/filter") if not is_ours(row)] == []
        again = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts)
        _assert_ok(again)
        assert not again.changed, _changes(again)
        _remove_all(run_playbook, hosts, extra)
        assert _not_ours(router) == shipped
