# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the tests share to set up a case: a test CA (pki) and the ovpn6 inventory (inventory).
On pytest's pythonpath (pytest.ini) and the benchmark's sys.path."""
