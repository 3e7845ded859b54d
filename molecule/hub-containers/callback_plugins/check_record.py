# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Molecule's check step runs converge with --check but does not look at what it reports. This callback
writes, for a --check run only, every task that reported a change to check-mode.json in the scenario's
ephemeral directory; verify holds that list against none."""

from __future__ import annotations

import json
import os

from ansible import context
from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: check_record
type: aggregate
short_description: record the changes a check-mode run reports (hub-containers scenario)
description:
  - In a run with --check, writes the hosts and tasks that reported a change to
    MOLECULE_EPHEMERAL_DIRECTORY/check-mode.json. Other runs are left alone.
requirements:
  - enabled in the scenario's molecule.yml (ANSIBLE_CALLBACKS_ENABLED)
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "check_record"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._changed = []

    def v2_runner_on_ok(self, result):
        if result.is_changed():
            self._changed.append({"host": result.host.get_name(), "task": result.task_name})

    def v2_playbook_on_stats(self, stats):
        directory = os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY")
        if not directory or not context.CLIARGS.get("check"):
            return
        hosts = sorted(stats.processed)
        record = {"changed": self._changed,
                  "changed_per_host": {host: stats.summarize(host)["changed"] for host in hosts}}
        with open(os.path.join(directory, "check-mode.json"), "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=2)
