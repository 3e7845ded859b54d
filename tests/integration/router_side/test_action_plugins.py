# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RouterOS modules run as action plugins in the controller's worker, through the real
ansible-playbook: check mode exact, diff in diff mode only, no_log values never shown (even at -vvv),
the module's message for an unsupported option, module_defaults by group and by name, no module
process, and the module file still running on its own."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from routeros_emu.testing import EmulatedRouter
from routerside_lab import is_ours

ENTRIES = "tunnelworks.ovpn6.routeros_owned_entries"
RELEASE = "tunnelworks.ovpn6.routeros_release"
OVPN = "tunnelworks.ovpn6.routeros_ovpn_client"
SINK = {"path": "/ip/route", "owner": "act", "entries": [{"key": "sink", "dst-address": "10.77.0.0/16",
                                                          "blackhole": True}]}
ROUTER_PASSWORD = "router-pw-4711"
OVPN_PASSWORD = "ovpn-pw-0815"
CHECKOUT = Path(__file__).resolve().parents[3]


@pytest.fixture
def router():
    with EmulatedRouter(release="7.16", password=ROUTER_PASSWORD) as emulated:
        yield emulated


def _play(router, tasks, module_defaults=None):
    connection = dict(router.module_args(), password="{{ router_password }}")
    return yaml.safe_dump([{
        "name": "Action plugins", "hosts": "localhost", "gather_facts": False,
        "module_defaults": module_defaults or {"group/tunnelworks.ovpn6.routeros": connection},
        "tasks": tasks}], sort_keys=False)


SECRETS = {"router_password": ROUTER_PASSWORD, "ovpn_password": OVPN_PASSWORD}


def test_check_mode_is_exact_and_diff_comes_in_diff_mode_only(router, run_playbook):
    play = _play(router, [{"name": "Sink", ENTRIES: SINK}])
    before = router.router.snapshot()
    checked = run_playbook(play, extra_vars=SECRETS, check=True, diff=True)
    assert checked.rc == 0, checked.stderr
    assert router.router.snapshot() == before, "check mode changed the router"
    applied = run_playbook(play, extra_vars=SECRETS, diff=True)
    assert applied.rc == 0, applied.stderr
    check_task, real_task = checked.task("Sink"), applied.task("Sink")
    assert check_task.changed and real_task.changed
    assert check_task.result["changes"] == real_task.result["changes"] == [
        change for change in real_task.result["changes"] if change.startswith("add /ip/route")]
    assert check_task.diff == real_task.diff and "ovpn6:act:sink" in real_task.diff["after"]
    assert [row["dst-address"] for row in router.rows("/ip/route") if is_ours(row)] == ["10.77.0.0/16"]
    again = run_playbook(play, extra_vars=SECRETS)
    assert again.rc == 0 and not again.task("Sink").changed and again.task("Sink").result["changes"] == []
    assert "diff" not in again.task("Sink").result


def test_no_log_values_are_never_shown_even_at_vvv(router, run_playbook, monkeypatch):
    monkeypatch.setenv("ANSIBLE_VERBOSITY", "3")
    client = {"connect_to": "203.0.113.10", "ovpn_user": "rtr-a", "ovpn_password": "{{ ovpn_password }}",
              "certificate": "none", "verify_server_certificate": False}
    play = _play(router, [
        {"name": "Client", OVPN: client},
        {"name": "Client again, changed password", OVPN: dict(client, ovpn_password="{{ ovpn_password }}-2")},
        {"name": "Refused", OVPN: dict(client, cipher_mode="gcm", auth="sha1"), "ignore_errors": True},
        {"name": "Wrong login", RELEASE: {"password": "{{ ovpn_password }}"}, "ignore_errors": True},
    ])
    run = run_playbook(play, extra_vars=SECRETS, diff=True)
    assert [task.name for task in run.failed] == ["Refused", "Wrong login"], run.stderr
    assert run.task("Client").changed and run.task("Client again, changed password").changed
    assert "auth sha1 cannot go with aes256-gcm" in run.task("Refused").msg
    assert "refused the login of user 'admin'" in run.task("Wrong login").msg
    invocation = run.task("Client").result["invocation"]["module_args"]
    assert invocation["password"] == invocation["ovpn_password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert invocation["connect_to"] == "203.0.113.10"
    for text in (run.stdout, run.stderr):
        assert ROUTER_PASSWORD not in text and OVPN_PASSWORD not in text
    assert [row["password"] for row in router.rows("/interface/ovpn-client") if is_ours(row)] == [OVPN_PASSWORD + "-2"]


def test_an_unsupported_option_fails_with_the_module_message_before_any_connection(router, run_playbook):
    play = _play(router, [{"name": "Bogus", RELEASE: {"bogus": 1}, "ignore_errors": True}])
    before = router.stats()
    run = run_playbook(play, extra_vars=SECRETS)
    assert run.task("Bogus").failed
    assert run.task("Bogus").msg.startswith(
        "Unsupported parameters for (tunnelworks.ovpn6.routeros_release) module: bogus. Supported parameters "
        "include: ca_path, force_no_cert, hostname, password, port, refuse_newer_release, require_ipv6, timeout, tls, ")
    assert router.stats()["connections"] == before["connections"]


def test_module_defaults_by_group_and_by_module_name(router, run_playbook):
    connection = dict(router.module_args(), password="{{ router_password }}")
    by_name = _play(router, [{"name": "Release", RELEASE: {}}], module_defaults={RELEASE: connection})
    run = run_playbook(by_name, extra_vars=SECRETS)
    assert run.rc == 0 and run.task("Release").result["release"] == "7.16.0", run.stderr
    # the group, with the module named by its short name under the play's collections
    play = yaml.safe_load(_play(router, [{"name": "Release", "routeros_release": {}}]))
    play[0]["collections"] = ["tunnelworks.ovpn6"]
    run = run_playbook(yaml.safe_dump(play), extra_vars=SECRETS)
    assert run.rc == 0 and run.task("Release").result["release"] == "7.16.0", run.stderr


def test_a_task_runs_in_the_worker_without_a_module_process(router, run_playbook, monkeypatch, tmp_path):
    remote_tmp = tmp_path / "remote-tmp"
    monkeypatch.setenv("ANSIBLE_KEEP_REMOTE_FILES", "1")
    monkeypatch.setenv("ANSIBLE_REMOTE_TMP", str(remote_tmp))
    monkeypatch.setenv("ANSIBLE_VERBOSITY", "3")
    play = _play(router, [{"name": "Release", RELEASE: {}}, {"name": "Sink", ENTRIES: SINK},
                          {"name": "A real module, to show the files would be seen", "ansible.builtin.ping": {}}])
    run = run_playbook(play, extra_vars=SECRETS)
    assert run.rc == 0, run.stderr
    kept = sorted(path.name for path in remote_tmp.rglob("AnsiballZ_*"))
    assert kept == ["AnsiballZ_ping.py"]
    used = re.findall(r"Using module file (\S+)", run.stdout + run.stderr)
    assert len(used) == 1 and used[0].endswith("/ping.py"), used
    # the action plugin's own invocation, not a module's: no interpreter was discovered or used
    assert "ansible_facts" not in run.task("Release").result
    assert run.task("Sink").changed


def test_the_module_file_still_runs_on_its_own(router, tmp_path):
    args = tmp_path / "args.json"
    args.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(router.module_args(), require_ipv6=True)}))
    module = CHECKOUT / "plugins" / "modules" / "routeros_release.py"
    env = dict(os.environ, PYTHONPATH=str(CHECKOUT / ".build" / "collections"))
    proc = subprocess.run([sys.executable, str(module), str(args)], env=env, capture_output=True, text=True,
                          check=False, timeout=60)
    out = json.loads(proc.stdout)
    assert out["release"] == "7.16.0" and out["changed"] is False, proc.stderr
    assert out["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def test_several_menus_in_one_task_share_one_connection_and_go_in_reverse(router, run_playbook):
    menus = [{"path": "/interface/6to4", "entries": [{"key": "hub", "name": "ovpn6-sit", "local-address": "198.51.100.2",
                                                      "remote-address": "198.51.100.1"}]},
             {"path": "/ipv6/address", "entries": [{"key": "transfer", "address": "2001:db8:100:ffff::1:2/112",
                                                    "interface": "ovpn6-sit", "advertise": False}]}]
    before = router.stats()["connections"]
    made = run_playbook(_play(router, [{"name": "Both", ENTRIES: {"owner": "sit", "menus": menus}}]), extra_vars=SECRETS)
    assert made.rc == 0, made.stderr
    assert router.stats()["connections"] - before == 1
    assert [change.split()[:2] for change in made.task("Both").result["changes"]] == [
        ["add", "/interface/6to4"], ["add", "/ipv6/address"]]
    gone = run_playbook(_play(router, [{"name": "Gone", ENTRIES: {"owner": "sit", "menus": menus, "state": "absent"}}]),
                        extra_vars=SECRETS)
    assert [change.split()[:2] for change in gone.task("Gone").result["changes"]] == [
        ["remove", "/ipv6/address"], ["remove", "/interface/6to4"]]


def test_an_entry_refused_in_a_later_menu_leaves_the_earlier_ones_untouched(router, run_playbook):
    menus = [{"path": "/interface/6to4", "entries": [{"key": "hub", "name": "ovpn6-sit", "local-address": "198.51.100.2",
                                                      "remote-address": "198.51.100.1"}]},
             {"path": "/ipv6/address", "entries": [{"key": "transfer", "comment": "mine"}]}]
    before = router.router.snapshot()
    run = run_playbook(_play(router, [{"name": "Both", ENTRIES: {"owner": "sit", "menus": menus}}]), extra_vars=SECRETS)
    assert run.rc != 0 and "field 'comment' is set by the engine" in run.task("Both").msg
    assert router.router.snapshot() == before


def test_path_and_menus_are_one_or_the_other(router, run_playbook):
    run = run_playbook(_play(router, [{"name": "Both", ENTRIES: {"owner": "sit", "path": "/ip/route", "menus": []}},
                                      {"name": "Neither", ENTRIES: {"owner": "sit"}, "ignore_errors": True}]),
                       extra_vars=SECRETS)
    assert "mutually exclusive: path|menus" in run.task("Both").msg


def test_the_connection_comes_from_the_hosts_inventory_variables(router, run_playbook):
    inventory = {"all": {"children": {"routers": {"hosts": {"rtr-a": {
        "ansible_connection": "local", "ansible_python_interpreter": sys.executable, "ansible_host": router.host,
        "ovpn6_routeros_port": router.port, "ovpn6_routeros_username": router.username,
        "ovpn6_routeros_password": "{{ router_password }}"}}}}}}
    play = yaml.safe_dump([{"hosts": "routers", "gather_facts": False,
                            "tasks": [{"name": "Release", RELEASE: {}}, {"name": "Sink", ENTRIES: SINK}]}])
    run = run_playbook(play, inventory=inventory, extra_vars=SECRETS)
    assert run.rc == 0, run.stdout[-3000:]
    assert run.task("Release").result["release"] == "7.16.0" and run.task("Sink").changed
    assert ROUTER_PASSWORD not in run.stdout
