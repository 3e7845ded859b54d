# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An emulator of the RouterOS API for the lab and the tests (see README.md beside this file)."""
