#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: owned_files
short_description: Make the files this collection owns in one directory exactly a given set
version_added: 0.2.0
description:
  - Writes every file of O(files) whose content differs, and removes the files it owns that are not in
    O(files), in one task whatever the number of files.
  - A file is owned when its name matches O(pattern) and, when O(marker) is set, one of its lines starts
    with O(marker). Every other file in O(path) is left alone, and a wanted name held by a file that is
    not owned is refused, not overwritten.
  - Reports per file what it created, updated and removed; check mode changes nothing and reports the
    same; diff mode shows each file's content before and after.
options:
  path:
    description: The directory. Created with O(directory_mode) when missing.
    type: path
    required: true
  files:
    description:
      - The wanted files. Each is a dict with C(name), a plain file name in O(path), and C(content).
      - With O(marker), each content must hold a line starting with it, so a later run recognises the file.
    type: list
    elements: dict
    default: []
  pattern:
    description: A shell pattern every owned file name matches, for example V(60-ovpn6-sit-*).
    type: str
    default: "*"
  marker:
    description:
      - A line prefix that marks a file as owned, for example V(# ovpn6:sit_tunnel ).
      - Without it every regular file matching O(pattern) in O(path) is owned; give it unless the directory
        itself belongs to this collection.
    type: str
  directory_mode:
    description: The mode of O(path) when the module creates it.
    type: raw
    default: "0755"
  state:
    description:
      - V(present) makes the owned files exactly O(files); V(absent) removes every owned file.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Reports the files it would create, update and remove, and changes nothing.
  diff_mode:
    support: full
    description: One diff per file that changes.
  platform:
    support: full
    platforms: posix
    description: Runs on the managed host.
author:
  - Tunnelworks (@tunnelworks)
"""

EXAMPLES = r"""
- name: One client-config file per router; those of routers no longer served are removed
  tunnelworks.ovpn6.owned_files:
    path: /etc/openvpn/server/ovpn6/ccd
    files:
      - name: branch-berlin
        content: |
          # ovpn6:openvpn_server router=branch-berlin
          ifconfig-push 198.51.100.2 255.255.255.0
    marker: "# ovpn6:openvpn_server "
    owner: root
    group: root
    mode: "0644"

- name: Remove every tunnel file this collection wrote, and nothing else in the directory
  tunnelworks.ovpn6.owned_files:
    path: /etc/systemd/network
    pattern: 60-ovpn6-sit-*
    marker: "# ovpn6:sit_tunnel "
    state: absent
"""

RETURN = r"""
created:
  description: Names of the files created (or that would be, in check mode).
  returned: always
  type: list
  elements: str
  sample: [branch-berlin]
updated:
  description: Names of the files whose content or attributes changed.
  returned: always
  type: list
  elements: str
  sample: []
removed:
  description: Names of the owned files removed.
  returned: always
  type: list
  elements: str
  sample: [branch-closed]
"""

import os
import tempfile

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tunnelworks.ovpn6.plugins.module_utils._owned_files import (
    OwnedFilesError,
    check_wanted,
    diffs,
    plan,
)


def _write(module, path, content):
    fd, tmp = tempfile.mkstemp(prefix=".ovpn6-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8"))
        module.atomic_move(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            files=dict(type="list", elements="dict", default=[]),
            pattern=dict(type="str", default="*"),
            marker=dict(type="str"),
            directory_mode=dict(type="raw", default="0755"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        add_file_common_args=True,
        supports_check_mode=True,
    )
    directory, pattern, marker = module.params["path"], module.params["pattern"], module.params["marker"] or None
    try:
        wanted = check_wanted(module.params["files"] if module.params["state"] == "present" else [], pattern, marker)
        if os.path.lexists(directory) and not os.path.isdir(directory):
            raise OwnedFilesError("path %s exists and is not a directory" % directory)
        steps = plan(directory, wanted, pattern, marker)
    except (OwnedFilesError, OSError) as exc:
        module.fail_json(msg="owned_files %s: %s. Nothing was changed." % (directory, exc))

    result = {"created": steps["create"], "updated": list(steps["update"]), "removed": steps["remove"],
              "changed": bool(steps["create"] or steps["update"] or steps["remove"])}
    if not os.path.isdir(directory) and wanted:
        result["changed"] = True
        if not module.check_mode:
            os.makedirs(directory)
            module.set_fs_attributes_if_different(
                module.load_file_common_arguments(dict(module.params, mode=module.params["directory_mode"]),
                                                  path=directory), False)
    if module._diff:
        result["diff"] = diffs(directory, steps, wanted)

    for name in sorted(wanted):
        path = os.path.join(directory, name)
        if not module.check_mode and name in steps["create"] + steps["update"]:
            _write(module, path, wanted[name])
        # Attributes of files whose content is right are compared too (a mode changed by hand).
        if os.path.exists(path) or not module.check_mode:
            attributes = module.load_file_common_arguments(module.params, path=path)
            if module.set_fs_attributes_if_different(attributes, False) and name not in result["updated"] \
                    and name not in steps["create"]:
                result["updated"].append(name)
                result["changed"] = True
    if not module.check_mode:
        for name in steps["remove"]:
            os.unlink(os.path.join(directory, name))
    result["updated"].sort()
    module.exit_json(**result)


if __name__ == "__main__":
    main()
