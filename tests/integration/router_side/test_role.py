# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The mikrotik_ovpn_client role with real ansible-playbook against emulated 6.49 and 7.x routers.

One scenario per release keeps playbook runs few: check mode from a router that already carries the
user's configuration, converge with diff, idempotence, drift repair, absent.
"""

from __future__ import annotations

import re

import pytest

from routerside_lab import HUB_ADDRESS, PLAYBOOK, add_user_config, inventory, is_ours, our_rows, role_vars, user_rows

# The role's one task runs these modules as steps over one connection (module routeros_session).
ROLE_TASK = "tunnelworks.ovpn6.mikrotik_ovpn_client : Router side of the VPN on the RouterOS API"
STEPS = ("routeros_certificate", "routeros_ovpn_client", "routeros_policy_routing")


def _steps(result):
    steps = result.task(ROLE_TASK).result["steps"]
    assert tuple(step["module"] for step in steps) == STEPS
    return dict(zip(STEPS, steps))


def _changes(result, dialect_unknown=False):
    changes = dict((name, step.get("changes")) for name, step in _steps(result).items())
    if dialect_unknown:
        # 7.6-7.10: which cipher word the release takes is not known, and check mode cannot ask the
        # router without changing it; it shows the newer word, the real run the one the router took.
        changes = dict((name, [re.sub(r"cipher=aes(\d+)(-cbc)?\b", r"cipher=aes\1-cbc", text) for text in texts or []])
                       for name, texts in changes.items())
    return changes


def _assert_ok(result):
    assert result.rc == 0, [(task.name, task.msg) for task in result.failed] or result.stderr[-3000:]


@pytest.mark.slow
def test_role_converges_keeps_users_config_repairs_drift_and_removes_only_its_own(lab_router, pki, run_playbook):
    router = lab_router
    ros6 = router.release.startswith("6.")
    # Releases before the first dump (7.9): no evidence of verify-server-certificate, protocol nor of
    # the cipher dialect, so the module leaves the first two alone and learns the word from the router.
    before_dumps = not ros6 and tuple(int(part) for part in router.release.split(".")[:2]) < (7, 9)
    add_user_config(router, pki)
    users = user_rows(router)
    factory = router.router.snapshot()
    hosts = inventory(router)
    extra = role_vars(pki)

    # check mode: reports changes, changes nothing
    checked = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts, check=True)
    _assert_ok(checked)
    assert all(step["changed"] for step in _steps(checked).values())
    assert router.router.snapshot() == factory

    # converge with diff: the same changes as check mode reported
    converged = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts, diff=True)
    _assert_ok(converged)
    assert _changes(converged, before_dumps) == _changes(checked, before_dumps)
    policy = converged.task(ROLE_TASK).result["diff"][2]
    assert policy["before_header"] == "routeros_policy_routing (step 3)"
    assert "ovpn6:policy:lan-via-vpn" in policy["after"] and "ovpn6:policy" not in policy["before"]
    # one task, one API connection and login per router for the whole role
    assert [task.name for task in converged if task.name.startswith("tunnelworks.ovpn6.mikrotik_ovpn_client : ")
            and not task.name.endswith("arg spec 'main' - MikroTik RouterOS side of the ovpn6 VPN")] == [
        "tunnelworks.ovpn6.mikrotik_ovpn_client : Compute the site plan and the routers' data channel", ROLE_TASK]
    assert "pass phrase" not in converged.stdout and pki["key"].splitlines()[1] not in converged.stdout

    # what the router holds now, in its dialect
    client = [row for row in router.rows("/interface/ovpn-client") if is_ours(row)]
    assert len(client) == 1 and client[0]["connect-to"] == HUB_ADDRESS and client[0]["certificate"] == "ovpn6-client"
    if ros6:
        assert (client[0]["cipher"], client[0]["auth"]) == ("aes256", "sha1")
        assert "verify-server-certificate" not in client[0] and "protocol" not in client[0]
    elif before_dumps:
        # The emulated 7.6 speaks the older words (its own evidence: a 7.5 export): the refusal of
        # aes256-cbc taught the module to send aes256.
        assert (client[0]["cipher"], client[0]["auth"]) == ("aes256", "sha1")
        assert _steps(converged)["routeros_ovpn_client"]["cipher"] == "aes256"
        assert _steps(checked)["routeros_ovpn_client"]["cipher"] == "aes256-cbc"
    else:
        # The inventory declares no release, so the hub expects AES-256-CBC with SHA1 from every
        # router (what 6.49 can do too); the router must send exactly that, in its own words.
        assert (client[0]["cipher"], client[0]["auth"]) == ("aes256-cbc", "sha1")
        assert client[0]["verify-server-certificate"] == "true" and client[0]["protocol"] == "tcp"
    mangle = router.rows("/ip/firewall/mangle")
    prerouting = [row.get("comment") for row in mangle if row["chain"] == "prerouting"]
    assert prerouting == ["ovpn6:policy:lan-via-vpn", "ovpn6:policy:ssh-to-hub-direct", "ovpn6:policy:http-direct",
                          "ovpn6:policy:dns-direct", "ovpn6:policy:from-vpn", "ovpn6:policy:route-vpn-connections",
                          "user mark"]
    filters = [(row["chain"], row.get("comment")) for row in router.rows("/ip/firewall/filter")
               if str(row.get("dynamic")).lower() != "true"]
    assert filters == [("forward", "ovpn6:policy:vpn-connections-off-fasttrack"), ("forward", "ovpn6:policy:vpn-to-lan"),
                       ("input", "ovpn6:policy:manage-from-vpn")]
    output = [row.get("comment") for row in mangle if row["chain"] == "output"]
    assert output == ["ovpn6:policy:sit-via-vpn", "user output"]
    route = [row for row in router.rows("/ip/route") if is_ours(row)]
    assert route[0]["gateway"] == "ovpn6" and route[0]["dst-address"] == "0.0.0.0/0"
    assert route[0].get("routing-mark" if ros6 else "routing-table") == "ovpn6"
    if not ros6:
        assert [row["name"] for row in router.rows("/routing/table") if is_ours(row)] == ["ovpn6"]
    nat = [(row.get("src-address"), row.get("out-interface")) for row in router.rows("/ip/firewall/nat") if is_ours(row)]
    assert nat == [("198.51.100.0/24", "ether1"), ("192.0.2.0/26", "ether1")]
    certificates = dict((row["name"], row) for row in router.rows("/certificate"))
    assert certificates["ovpn6-client"]["private-key"] == "true" and certificates["ovpn6-ca"]["ca"] == "true"
    assert not [row for row in router.rows("/file") if row["name"].startswith("ovpn6-")]
    assert user_rows(router) == users
    converged_state = our_rows(router)

    # drift: change one of ours, reorder two, delete one; the run restores exactly that
    api = router.connect()
    try:
        ours = dict((row["comment"], row[".id"]) for row in router.rows("/ip/firewall/mangle") if is_ours(row))
        tuple(api.path("/ip/firewall/mangle")("set", **{".id": ours["ovpn6:policy:dns-direct"], "dst-port": "5353"}))
        tuple(api.path("/ip/firewall/mangle")("move", numbers=ours["ovpn6:policy:http-direct"],
                                              destination=ours["ovpn6:policy:lan-via-vpn"]))
        nat_id = next(row[".id"] for row in router.rows("/ip/firewall/nat") if is_ours(row))
        tuple(api.path("/ip/firewall/nat")("remove", **{".id": nat_id}))
        client_id = next(row[".id"] for row in router.rows("/interface/ovpn-client") if is_ours(row))
        tuple(api.path("/interface/ovpn-client")("set", **{".id": client_id, "port": "443"}))
    finally:
        api.close()
    repaired = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts)
    _assert_ok(repaired)
    changes = _changes(repaired)
    assert changes["routeros_certificate"] == []
    assert changes["routeros_ovpn_client"] == ["set /interface/ovpn-client ovpn6:ovpn:ovpn6 port: 443 -> 1194"]
    assert sorted(change.split()[0] for change in changes["routeros_policy_routing"]) == ["add", "move", "set"]
    assert our_rows(router) == converged_state
    assert user_rows(router) == users

    # second run: nothing to do
    again = run_playbook(PLAYBOOK, extra_vars=extra, inventory=hosts)
    _assert_ok(again)
    assert not again.changed

    # absent: everything of ours goes, the user's configuration stays byte for byte
    removed = run_playbook(PLAYBOOK, extra_vars=dict(extra, mikrotik_ovpn_client_state="absent"), inventory=hosts)
    _assert_ok(removed)
    assert removed.changed
    assert user_rows(router) == users
    for path in ("/interface/ovpn-client", "/ip/firewall/mangle", "/ip/firewall/filter", "/ip/route",
                 "/ip/firewall/nat") + (
            () if ros6 else ("/routing/table",)):
        assert not [row for row in router.rows(path) if is_ours(row)], path
    assert not [row for row in router.rows("/certificate") if row["name"].startswith("ovpn6-")]
