# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs module routeros_session in the controller's worker (see plugin_utils/_routeros_action.py)."""

from __future__ import annotations

from ansible_collections.tunnelworks.ovpn6.plugins.plugin_utils._routeros_action import RouterOSActionBase


class ActionModule(RouterOSActionBase):
    MODULE = "routeros_session"
