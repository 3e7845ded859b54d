# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real community.routeros modules, run by ansible-playbook, against the emulator."""

from __future__ import annotations

import re

import pytest

from routeros_emu import evidence

# One playbook per release: converge, converge again (must change nothing), a check-mode
# change (must change nothing on the router), reads through api / api_info, and a refusal.
CONVERGE = """
- name: Converge twice
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/community.routeros.api: "{{ conn }}"
  tasks:
PASSES
    - name: Check mode change
      community.routeros.api_find_and_modify:
        path: system identity
        find: {}
        values:
          name: would-be
      check_mode: true

    - name: Read nat through api
      community.routeros.api:
        path: ip firewall nat
        extended_query:
          attributes: [chain, comment, action]
          where:
            - attribute: chain
              is: "=="
              value: srcnat
      register: nat

    - name: Read 6to4 through api_info
      community.routeros.api_info:
        path: interface 6to4
      register: sit

    - name: Refused value
      community.routeros.api_find_and_modify:
        path: interface 6to4
        find:
          name: ovpn6
        values:
          mtu: "99"
      ignore_errors: true

    - name: Report
      ansible.builtin.debug:
        msg: "{{ {'nat': nat.msg, 'sit': sit.result} }}"
"""

TASKS = """
- name: Routing table
  community.routeros.api_modify:
    path: routing table
    data:
      - name: via-vpn
        fib: ""
    handle_absent_entries: ignore
  when: ros7

- name: Mangle
  community.routeros.api_modify:
    path: ip firewall mangle
    data:
      - chain: prerouting
        action: accept
        dst-address: 198.51.100.1
        comment: "ovpn6:bypass:hub"
      - chain: prerouting
        action: mark-routing
        new-routing-mark: via-vpn
        passthrough: false
        src-address: 192.0.2.0/26
        comment: "ovpn6:mark:lan"
    handle_absent_entries: ignore

- name: Tunnel
  community.routeros.api_modify:
    path: interface 6to4
    data:
      - name: ovpn6
        remote-address: 198.51.100.1
        local-address: 198.51.100.2
        mtu: "1480"
        comment: "ovpn6:sit:hub"
    handle_absent_entries: ignore

- name: Address
  community.routeros.api_modify:
    path: ipv6 address
    data:
      - address: 2001:db8:100:1::1/64
        interface: bridge
        advertise: true
        comment: "ovpn6:lan"
    handle_absent_entries: ignore

- name: Identity
  community.routeros.api_find_and_modify:
    path: system identity
    find: {}
    values:
      name: rtr-a
"""


# ansible-playbook runs are slow: one per dialect (6.49; 7.x after 7.18, through API-SSL).
@pytest.mark.parametrize("routeros", ["6.49.18", "7.22.3"], indirect=True)
def test_community_modules_converge_and_are_idempotent(routeros, run_playbook, tmp_path):
    ros7 = evidence.has(routeros.release, "routing_table")
    tls = routeros.release == "7.22.3"  # one release goes through API-SSL with validation
    passes = "".join(re.sub(r"(?m)^- name: ", "- name: %s " % label, TASKS) for label in ("First", "Second"))
    playbook = tmp_path / "converge.yml"
    playbook.write_text(CONVERGE.replace("PASSES", "\n".join("    " + line for line in passes.splitlines())))
    result = run_playbook(str(playbook), extra_vars={"conn": routeros.module_args(tls=tls), "ros7": ros7})
    summary = [(t["name"], t["changed"], t["failed"], t["msg"]) for t in result]
    assert [name for name, _c, failed, _m in summary if failed] == ["Refused value"], summary
    by_name = {}
    for task in result:
        by_name.setdefault(task["name"], []).append(task)
    for name in ("Mangle", "Tunnel", "Address", "Identity") + (("Routing table",) if ros7 else ()):
        (first,), (second,) = by_name["First " + name], by_name["Second " + name]
        assert first["changed"] and not first["failed"], (name, first["result"])
        assert not second["changed"] and not second["failed"], (name, second["result"])
    assert by_name["Check mode change"][0]["changed"]
    assert routeros.rows("/system/identity") == [{"name": "rtr-a"}]
    refused = by_name["Refused value"][0]
    assert refused["failed"] and "value of mtu out of range (1280..65535)" in refused["msg"]
    assert routeros.rows("/interface/6to4")[0]["mtu"] == "1480"
    report = by_name["Report"][0]["result"]["msg"]
    assert {"chain": "srcnat", "comment": "defconf: masquerade", "action": "masquerade"} in report["nat"]
    assert report["sit"][0]["name"] == "ovpn6" and report["sit"][0]["mtu"] == 1480

    mangle = routeros.rows("/ip/firewall/mangle")
    assert [r["comment"] for r in mangle] == ["ovpn6:bypass:hub", "ovpn6:mark:lan"]
    assert mangle[1]["new-routing-mark"] == "via-vpn" and mangle[1]["passthrough"] == "false"
    assert routeros.rows("/ipv6/address")[0]["address"] == "2001:db8:100:1::1/64"
    assert routeros.rows("/ip/firewall/nat")[0]["comment"] == "defconf: masquerade"  # untouched
