# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The generic engine on the menus the sit_tunnel role gives it, against each dialect."""

from __future__ import annotations

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._routeros import connect
from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._sync import MenuSpec, sync
from routerside_lab import is_ours

SIT = [
    MenuSpec("/interface/6to4", "sit", [{"key": "hub", "name": "ovpn6-sit", "local-address": "198.51.100.2",
                                         "remote-address": "198.51.100.1", "mtu": 1480}]),
    MenuSpec("/ipv6/address", "sit", [{"key": "transfer", "address": "2001:db8:100:ffff::1:2/112",
                                       "interface": "ovpn6-sit", "advertise": False}]),
    MenuSpec("/ipv6/route", "sit", [{"key": "default", "dst-address": "::/0", "gateway": "2001:db8:100:ffff::1:1"}]),
]


def test_sit_menus_converge_and_go(lab_router):
    router = lab_router
    with connect(router.module_args()) as session:
        first = sync(session, SIT, check_mode=False)
    assert len(first["changes"]) == 3
    with connect(router.module_args()) as session:
        assert sync(session, SIT, check_mode=False)["changes"] == []
    assert [row["address"] for row in router.rows("/ipv6/address") if is_ours(row)] == ["2001:db8:100:ffff::1:2/112"]
    # drift in a host address is drift, even inside the same /112
    api = router.connect()
    try:
        address = next(row for row in router.rows("/ipv6/address") if is_ours(row))
        tuple(api.path("/ipv6/address")("set", **{".id": address[".id"], "address": "2001:db8:100:ffff::1:3/112"}))
    finally:
        api.close()
    with connect(router.module_args()) as session:
        assert [change.split()[0] for change in sync(session, SIT, check_mode=False)["changes"]] == ["set"]
    absent = [MenuSpec(spec.path, "sit", state="absent") for spec in reversed(SIT)]
    with connect(router.module_args()) as session:
        assert len(sync(session, absent, check_mode=False)["changes"]) == 3
    for spec in SIT:
        assert not [row for row in router.rows(spec.path) if is_ours(row)]


def test_a_flag_is_cleared_not_set_by_no(lab_router):
    # Over the API a flag ignores its value: blackhole=no would set blackhole. Clearing sends !blackhole.
    router = lab_router

    def route(blackhole):
        entry = {"key": "sink", "dst-address": "10.77.0.0/16", "blackhole": blackhole}
        if not blackhole:
            entry["gateway"] = "ether1"
        return [MenuSpec("/ip/route", "flag", [entry])]

    def ours():
        return [row for row in router.rows("/ip/route") if is_ours(row)]

    with connect(router.module_args()) as session:
        sync(session, route(True), check_mode=False)
    assert len(ours()) == 1 and "blackhole" in ours()[0] and ours()[0]["blackhole"] in ("", "true")
    with connect(router.module_args()) as session:
        changes = sync(session, route(False), check_mode=False)["changes"]
    assert [change.split()[0] for change in changes] == ["set"]
    assert ours()[0].get("blackhole", "false") in ("false",) or "blackhole" not in ours()[0], ours()
    with connect(router.module_args()) as session:
        assert sync(session, route(False), check_mode=False)["changes"] == []
