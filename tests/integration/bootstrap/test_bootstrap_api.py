# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/bootstrap.yml over the API against emulated routers as they ship: check mode changes nothing,
a real run makes the API user, its group and the api-ssl certificate, a second run changes nothing, and the
inventory then reaches the router with the certificate checked. The user's own users and services stay."""

from __future__ import annotations

import pytest
from librouteros.exceptions import TrapError

from bootstrap_lab import (ADMIN_PASSWORD, API_PASSWORD, API_USER, BOOTSTRAP, assert_ok, changes, inventory,
                           router_host, verified_login)
from routeros_emu.testing import EmulatedRouter


def _add_users_own(router):
    api = router.connect(password=ADMIN_PASSWORD)
    try:
        tuple(api.path("/user/group").add(name="operators", policy="api,read,winbox"))
        tuple(api.path("/user").add(name="operator", group="operators", password="operators own"))
        tuple(api.path("/ip/service")("set", numbers="telnet", disabled="yes"))
    finally:
        api.close()


def _not_ours(router):
    return {path: [row for row in router.rows(path) if not str(row.get("comment", "")).startswith("ovpn6:")
                   and not (path == "/ip/service" and row["name"] == "api-ssl")]
            for path in ("/user", "/user/group", "/ip/service")}


@pytest.mark.slow
@pytest.mark.parametrize("release, factory, first_contact", [
    ("7.16", "defconf", "plain"), ("6.49.18", "blank", "plain"), ("7.22.3", "blank", "api-ssl")])
def test_bootstrap_over_the_api(release, factory, first_contact, run_playbook, tmp_path):
    with EmulatedRouter(release=release, password=ADMIN_PASSWORD, tls="anonymous", factory=factory) as router:
        _add_users_own(router)
        theirs = _not_ours(router)
        extra = {"ovpn6_bootstrap_tls": True, "ovpn6_bootstrap_port": router.tls_port} \
            if first_contact == "api-ssl" else {}
        hosts = inventory({"rtr-a": router_host(router, 1, **extra)})
        before = router.router.snapshot()

        checked = run_playbook(BOOTSTRAP, inventory=hosts, check=True)
        assert_ok(checked)
        assert router.router.snapshot() == before, "check mode changed the router"
        assert checked.changed

        made = run_playbook(BOOTSTRAP, inventory=hosts)
        assert_ok(made)
        assert {"The API user's group, with only the policies the collection needs", "The API user",
                "The router's API certificate, its key and the CA",
                "The certificate on the api-ssl service, which is enabled"} <= set(changes(made))
        assert _not_ours(router) == theirs, "the user's own users, groups or services changed"
        group = next(row for row in router.rows("/user/group") if row.get("comment") == "ovpn6:bootstrap:api-group")
        assert sorted(word for word in group["policy"].split(",") if not word.startswith("!")) == \
            ["api", "read", "sensitive", "write"]
        user = next(row for row in router.rows("/user") if row.get("comment") == "ovpn6:bootstrap:api-user")
        assert (user["name"], user["group"]) == (API_USER, group["name"])
        service = next(row for row in router.rows("/ip/service") if row["name"] == "api-ssl")
        assert (service["certificate"], service["disabled"]) == ("ovpn6-api", "false")

        again = run_playbook(BOOTSTRAP, inventory=hosts)
        assert_ok(again)
        assert not again.changed, changes(again)
        rechecked = run_playbook(BOOTSTRAP, inventory=hosts, check=True)
        assert_ok(rechecked)
        assert not rechecked.changed, changes(rechecked)

        ca = tmp_path / "pki" / "ca.crt"
        api = verified_login(router, ca)
        try:
            assert tuple(api.path("/system/identity"))[0]["name"] == "MikroTik"
            with pytest.raises(TrapError, match="not enough permissions"):
                tuple(api.path("/user").add(name="more", group="full", password="x" * 12))
        finally:
            api.close()
        # The API user cannot log in with another password, and the user's own user still can.
        with pytest.raises(TrapError):
            verified_login(router, ca, password="not " + API_PASSWORD)
        verified_login(router, ca, username="operator", password="operators own").close()


def test_bad_input_names_the_host_and_changes_nothing(run_playbook):
    with EmulatedRouter(release="7.16", password=ADMIN_PASSWORD, tls="anonymous", factory="blank") as router:
        before = router.router.snapshot()
        hosts = inventory({"rtr-a": router_host(router, 1, ovpn6_routeros_username="admin")})
        result = run_playbook(BOOTSTRAP, inventory=hosts)
        assert result.rc != 0
        failed = [task for task in result.failed if task.host == "rtr-a"]
        assert failed and "rtr-a: " in failed[0].msg and "not admin" in failed[0].msg
        assert router.router.snapshot() == before
        # A wrong first-contact password: the router refuses, named, before anything changes.
        hosts = inventory({"rtr-a": router_host(router, 1, ovpn6_bootstrap_password="wrong")})
        result = run_playbook(BOOTSTRAP, inventory=hosts)
        assert result.rc != 0
        failed = [task for task in result.failed if task.host == "rtr-a"]
        assert failed[0].name == "Reach the router"
        assert "refused the login of user 'admin'" in failed[0].msg
        assert router.router.snapshot() == before
