# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The end-to-end lab: the lab VM as the hub, emulated routers realised in namespaces inside it."""
