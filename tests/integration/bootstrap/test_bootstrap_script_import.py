# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/bootstrap.yml in script mode: the .rsc it writes, imported by an emulated router as it ships
(defconf or blank), gives exactly what site.yml's router side builds: run right after, over API-SSL as the
API user with the certificate checked, that side changes nothing. The router's own entries stay."""

from __future__ import annotations

import json
import stat

import pytest
import yaml
from ovpn6_testkit.playbooks import plays as playbook_plays

from bootstrap_lab import ADMIN_PASSWORD, BOOTSTRAP, SITE, assert_ok, changes, inventory, router_host
from routeros_emu.testing import EmulatedRouter

TOUCHED = ("/interface/ovpn-client", "/interface/6to4", "/ip/firewall/filter", "/ip/firewall/mangle",
           "/ip/firewall/nat", "/ip/route", "/ipv6/address", "/ipv6/route", "/ipv6/firewall/filter",
           "/interface/list", "/interface/list/member", "/ip/address", "/user", "/user/group", "/ip/service",
           "/certificate")


def _router_side():
    """site.yml's own plays for the routers (its release read, the router role, the 6in4 tunnel's router end)."""
    plays = [play for play in playbook_plays(SITE) if play["hosts"] != "ovpn6_hubs"]
    for play in plays:
        play["hosts"] = "ovpn6_routers"
    return yaml.safe_dump(plays, sort_keys=False)


def _not_ours(router):
    lines = []
    for line in router.full_print(TOUCHED).splitlines():
        if line.startswith("  "):
            row = json.loads(line)
            ours = ("ovpn6-ca", "ovpn6-client", "ovpn6-api", "api-ssl")
            if str(row.get("comment", "")).startswith("ovpn6:") or row.get("name") in ours:
                continue
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.parametrize("release, factory", [("7.16", "defconf"), ("6.49.18", "defconf"), ("7.22.3", "blank")])
def test_imported_script_is_what_site_builds(release, factory, run_playbook, tmp_path):
    with EmulatedRouter(release=release, password=ADMIN_PASSWORD, tls="anonymous", factory=factory) as router:
        shipped = _not_ours(router)
        lan = {"ovpn6_lan_interface": "ether2"} if factory == "blank" else {}
        hosts = inventory({"rtr-a": router_host(
            router, 1, ovpn6_bootstrap_mode="script", ovpn6_routeros_version=release,
            ovpn6_pki_dir=str(tmp_path / "pki"), ovpn6_routeros_ca_path=str(tmp_path / "pki" / "ca.crt"), **lan)})
        before = router.router.snapshot()

        checked = run_playbook(BOOTSTRAP, inventory=hosts, check=True)
        assert_ok(checked)
        assert not (tmp_path / "bootstrap").exists(), "check mode wrote the script"
        written = run_playbook(BOOTSTRAP, inventory=hosts)
        assert_ok(written)
        assert "Write the router's first-contact script" in changes(written)
        script = tmp_path / "bootstrap" / "rtr-a.rsc"
        assert stat.S_IMODE(script.stat().st_mode) == 0o600
        assert router.router.snapshot() == before, "script mode must not touch the router"
        again = run_playbook(BOOTSTRAP, inventory=hosts)
        assert_ok(again)
        assert not again.changed, changes(again)
        text = script.read_text()
        assert ("/routing table add" in text) == release.startswith("7."), "routing tables are 7.x only"
        assert ("/file add" in text) == (release != "6.49.18"), "6.x has no /file add"

        # The router imports it (uploaded by WinBox or FTP; /import as its admin would type it).
        router.service.import_max_delay = 1.0
        router.router.put_file("rtr-a.rsc", text)
        # 6.x writes each file with /file print file= and a :delay: the import takes seconds.
        api = router.connect(password=ADMIN_PASSWORD, timeout=60)
        try:
            assert tuple(api("/import", **{"file-name": "rtr-a.rsc"})) == ()
        finally:
            api.close()
        assert _not_ours(router) == shipped, "the import changed the router's own configuration"
        assert [row["name"] for row in router.rows("/file")] == ["rtr-a.rsc"], "upload files left behind"

        # site.yml's router side, as the inventory runs it from now on: no change at all.
        site = run_playbook(_router_side(), inventory=hosts)
        assert_ok(site)
        assert not site.changed, [(task.name, task.result.get("changes")) for task in site.changed]
        assert _not_ours(router) == shipped


def test_script_mode_needs_the_release(run_playbook, tmp_path):
    with EmulatedRouter(release="7.16", password=ADMIN_PASSWORD, tls="anonymous", factory="blank") as router:
        hosts = inventory({"rtr-a": router_host(router, 1, ovpn6_bootstrap_mode="script")})
        result = run_playbook(BOOTSTRAP, inventory=hosts)
        assert result.rc != 0
        failed = [task for task in result.failed if task.host == "rtr-a"][0]
        assert "script mode needs ovpn6_routeros_version" in failed.msg and "(not set)" in failed.msg
        assert not (tmp_path / "bootstrap").exists()
