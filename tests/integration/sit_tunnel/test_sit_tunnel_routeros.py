# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""sit_tunnel, router end, against the RouterOS emulator of every lab release (fixture `routeros`)."""

from __future__ import annotations

from ovpn6_testkit.inventory import emulated_router, ovpn6_inventory

PLAY = """
- name: Router end of the 6in4 tunnel
  hosts: ovpn6_routers
  gather_facts: false
  roles:
    - role: tunnelworks.ovpn6.sit_tunnel
"""
SIT_MENUS = ("/interface/6to4", "/ipv6/address", "/ipv6/route")


def _inventory(router, **host_vars):
    """rtr-c (site 3) played by ``router``, with ``host_vars``; the hub is inventory only."""
    return ovpn6_inventory({"rtr-c": emulated_router(router, **{"ovpn6_site_id": 3, **host_vars})})


def _ours(router):
    return {path: [row for row in router.rows(path) if str(row.get("comment", "")).startswith("ovpn6:sit:")]
            for path in SIT_MENUS}


def _snapshot(router):
    return {path: router.rows(path) for path in SIT_MENUS}


def _item_values(tasks, key):
    """``key`` of each loop item of ``tasks`` that has it (the role loops over the menus)."""
    return [item[key] for task in tasks for item in task.result.get("results", [task.result]) if item.get(key)]


def _truthy(value):
    return str(value).lower() in ("true", "yes")


def test_router_end_converges_and_is_idempotent(routeros, run_playbook):
    # the user's own entries, which must survive every run
    api = routeros.connect()
    api.path("/ipv6/address").add(address="2001:db8:ffff::1/64", interface="ether2", comment="user address")
    api.path("/ipv6/route").add(**{"dst-address": "2001:db8:eeee::/48", "gateway": "2001:db8:ffff::2",
                                   "comment": "user route"})
    api.close()
    user_before = {path: [r for r in rows if not str(r.get("comment", "")).startswith("ovpn6:")]
                   for path, rows in _snapshot(routeros).items()}

    run = run_playbook(PLAY, inventory=_inventory(routeros))
    assert run.rc == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert run.changed

    ours = _ours(routeros)
    (tunnel,) = ours["/interface/6to4"]
    assert (tunnel["name"], tunnel["local-address"], tunnel["remote-address"]) == \
        ("ovpn6-sit", "198.51.100.4", "198.51.100.1")
    assert int(tunnel["mtu"]) == 1480
    addresses = {row["address"]: row for row in ours["/ipv6/address"]}
    assert sorted(addresses) == ["2001:db8:100:3::1/64", "2001:db8:100:ffff::3:2/112"]
    assert addresses["2001:db8:100:ffff::3:2/112"]["interface"] == "ovpn6-sit"
    assert not _truthy(addresses["2001:db8:100:ffff::3:2/112"]["advertise"])
    assert addresses["2001:db8:100:3::1/64"]["interface"] == "bridge"
    assert _truthy(addresses["2001:db8:100:3::1/64"]["advertise"])
    (route,) = ours["/ipv6/route"]
    assert (route["dst-address"], route["gateway"]) == ("::/0", "2001:db8:100:ffff::3:1")

    again = run_playbook(PLAY, inventory=_inventory(routeros))
    assert again.rc == 0, again.stdout[-3000:]
    assert [(t.name, t.host) for t in again.changed] == []
    user_after = {path: [r for r in rows if not str(r.get("comment", "")).startswith("ovpn6:")]
                  for path, rows in _snapshot(routeros).items()}
    assert user_after == user_before


def test_check_mode_changes_nothing(routeros, run_playbook):
    before = _snapshot(routeros)
    run = run_playbook(PLAY, inventory=_inventory(routeros), check=True, diff=True)
    assert run.rc == 0, run.stdout[-3000:]
    assert run.changed
    assert _snapshot(routeros) == before


def test_plan_change_moves_the_tunnel_and_absent_removes_only_ours(routeros, run_playbook):
    assert run_playbook(PLAY, inventory=_inventory(routeros)).rc == 0
    run = run_playbook(PLAY, inventory=_inventory(routeros, ovpn6_vpn_address="198.51.100.99",
                                                  ovpn6_lan_interface="ether2"))
    assert run.rc == 0, run.stdout[-3000:]
    ours = _ours(routeros)
    assert ours["/interface/6to4"][0]["local-address"] == "198.51.100.99"
    lan = [row for row in ours["/ipv6/address"] if row["address"] == "2001:db8:100:3::1/64"]
    assert [row["interface"] for row in lan] == ["ether2"]

    api = routeros.connect()
    api.path("/ipv6/address").add(address="2001:db8:ffff::1/64", interface="ether1", comment="user address")
    api.close()
    run = run_playbook(PLAY, inventory=_inventory(routeros), extra_vars={"sit_tunnel_state": "absent"})
    assert run.rc == 0, run.stdout[-3000:]
    assert _ours(routeros) == {path: [] for path in SIT_MENUS}
    assert [row["comment"] for row in routeros.rows("/ipv6/address")] == ["user address"]


def test_router_missing_from_plan_fails_clearly(routeros, run_playbook):
    before = _snapshot(routeros)
    run = run_playbook(PLAY, inventory=_inventory(routeros, ovpn6_site_id=None))
    assert run.rc != 0
    assert "rtr-c" in run.stdout and "ovpn6_site_id" in run.stdout
    assert _snapshot(routeros) == before


def test_keepalive_is_off_and_stays_off(routeros, run_playbook):
    # The hub's Linux sit end answers no RouterOS keepalive: a keepalive set on our tunnel (by hand,
    # or by a release default) would take it down, so the run clears it.
    assert run_playbook(PLAY, inventory=_inventory(routeros)).rc == 0
    (tunnel,) = _ours(routeros)["/interface/6to4"]
    assert tunnel.get("keepalive", "") in ("", "0,0"), tunnel
    api = routeros.connect()
    tuple(api.path("/interface/6to4")("set", **{".id": tunnel[".id"], "keepalive": "10s,10"}))
    api.close()
    assert _ours(routeros)["/interface/6to4"][0]["keepalive"] == "10s,10"
    run = run_playbook(PLAY, inventory=_inventory(routeros))
    assert run.rc == 0, run.stdout[-3000:]
    assert _item_values(run.changed, "changes") == [["set /interface/6to4 ovpn6:sit:hub keepalive: 10s,10 -> \"\""]]
    assert _ours(routeros)["/interface/6to4"][0].get("keepalive", "") in ("", "0,0")
    assert not run_playbook(PLAY, inventory=_inventory(routeros)).changed


def test_disabled_ipv6_package_on_6x_stops_before_any_change(run_playbook):
    from routeros_emu.testing import EmulatedRouter

    with EmulatedRouter(release="6.49.18", password="lab-secret", assume={"ipv6_package": False}) as router:
        before = router.router.snapshot()
        run = run_playbook(PLAY, inventory=_inventory(router))
        assert run.rc != 0
        message = " ".join(str(msg) for msg in _item_values(run.failed, "msg"))
        assert "needs the RouterOS package 'ipv6', which is disabled" in message, message
        assert "/system package enable ipv6" in message
        assert router.router.snapshot() == before
