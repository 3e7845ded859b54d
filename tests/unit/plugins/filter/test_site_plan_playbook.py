# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The site plan filters run by a real ansible-playbook against inventory/example."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[4]
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"

PLAYBOOK = """
- name: Site plan of the example inventory
  hosts: localhost
  connection: local
  gather_facts: false
  vars:
    ovpn6_plan: >-
      {{ hostvars | tunnelworks.ovpn6.site_plan(groups['ovpn6_routers'],
                                                allocation=ovpn6_ipv6_allocation,
                                                vpn_network=ovpn6_vpn_ipv4_network) }}
  tasks:
    - name: Write the plan and a few one-expression look-ups
      ansible.builtin.copy:
        dest: "{{ out }}"
        mode: "0644"
        content: >-
          {{ {'plan': ovpn6_plan,
              'rtr_a': ovpn6_plan | tunnelworks.ovpn6.plan_site('rtr-a'),
              'rtr_b_lan': ovpn6_plan | tunnelworks.ovpn6.plan_site('rtr-b', 'lan_prefix'),
              'rtr_b_sit': ovpn6_plan.sites['rtr-b'].sit_interface,
              'from_sites': {'x': {'site_id': 9}}
                            | tunnelworks.ovpn6.site_plan_from_sites(allocation=ovpn6_ipv6_allocation,
                                                                     vpn_network=ovpn6_vpn_ipv4_network)
                            | tunnelworks.ovpn6.plan_site('x', 'vpn_address')} | to_json }}
"""


def run_playbook(tmp_path, *extra_args):
    playbook = tmp_path / "plan.yml"
    playbook.write_text(PLAYBOOK)
    out = tmp_path / "plan.json"
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), ANSIBLE_HOME=str(tmp_path / "home"))
    result = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "-i", str(REPO / "inventory" / "example"), str(playbook),
         "-e", json.dumps({"out": str(out)}), *extra_args],
        cwd=str(REPO), env=env, capture_output=True, text=True, timeout=120, check=False)
    return result, out


@pytest.fixture(scope="module")
def example_plan(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("example_plan")
    result, out = run_playbook(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads(out.read_text())


def test_example_inventory_plan_hub(example_plan):
    plan = example_plan["plan"]
    assert plan["allocation"] == "2001:db8:100::/48"
    assert plan["vpn_network"] == "198.51.100.0/24"
    assert plan["hub"] == {
        "vpn_address": "198.51.100.1", "vpn_netmask": "255.255.255.0", "vpn_prefixlen": 24,
        "lan_prefix": "2001:db8:100::/64", "lan_address": "2001:db8:100::1",
        "transfer_block": "2001:db8:100:ffff::/64", "vpn_mtu": 1500, "sit_mtu": 1480,
    }
    assert list(plan["sites"]) == ["rtr-a", "rtr-b"]


def test_example_inventory_plan_default_site(example_plan):
    rtr_a = example_plan["rtr_a"]
    assert rtr_a == example_plan["plan"]["sites"]["rtr-a"]
    assert rtr_a["site_id"] == 1
    assert rtr_a["vpn_address"] == "198.51.100.2"
    assert rtr_a["lan_prefix"] == "2001:db8:100:1::/64"
    assert rtr_a["lan_ipv4_prefix"] == "192.0.2.0/26"
    assert rtr_a["transfer_prefix"] == "2001:db8:100:ffff::1:0/112"
    assert rtr_a["hub_transfer_address"] == "2001:db8:100:ffff::1:1"
    assert rtr_a["router_transfer_address"] == "2001:db8:100:ffff::1:2"
    assert rtr_a["sit_interface"] == "ovpn6s1"


def test_example_inventory_plan_overridden_site(example_plan):
    rtr_b = example_plan["plan"]["sites"]["rtr-b"]
    assert example_plan["rtr_b_lan"] == rtr_b["lan_prefix"] == "2001:db8:100:20::/64"
    assert example_plan["rtr_b_sit"] == rtr_b["sit_interface"] == "sit-rtr-b"
    assert rtr_b["vpn_address"] == "198.51.100.66"
    assert rtr_b["router_transfer_cidr"] == "2001:db8:100:ffff::20:2/112"
    assert rtr_b["lan_ipv4_prefix"] == "192.0.2.64/26"


def test_site_plan_from_sites_in_a_playbook(example_plan):
    assert example_plan["from_sites"] == "198.51.100.10"


@pytest.mark.parametrize(
    "extra_vars, message",
    [
        ({"ovpn6_site_id": 1}, "ovpn6_site_id '1' is used by more than one site: 'rtr-a', 'rtr-b'"),
        ({"ovpn6_vpn_ipv4_network": "198.51.100.0/31"}, "vpn_network '198.51.100.0/31' is too small"),
    ],
)
def test_bad_inventory_fails_the_task_with_the_plans_message(tmp_path, extra_vars, message):
    result, out = run_playbook(tmp_path, "-e", json.dumps(extra_vars))
    assert result.returncode != 0
    assert message in result.stdout + result.stderr
    assert not out.exists()
