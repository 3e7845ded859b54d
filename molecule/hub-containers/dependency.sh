#!/bin/sh
# Molecule's dependency step of hub-containers: the images (built once from Debian packages and cached, or
# named by OVPN6_HUB_IMAGE_DEBIAN12 / OVPN6_HUB_IMAGE_DEBIAN13) and the scenario's own Podman network,
# internal: the containers reach each other and nothing beyond it. destroy removes the network.
set -eu
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/molecule/hub-containers/containers.conf}"
PYTHONPATH=tests/lab python3 -m labct ensure
if ! podman network exists ovpn6-hubs; then
    # 203.0.113.0/24 (documentation range): the hubs' uplink network, as the routers would dial them
    podman network create --internal --subnet 203.0.113.0/24 ovpn6-hubs >/dev/null
    echo "created the internal network ovpn6-hubs (203.0.113.0/24)"
fi
