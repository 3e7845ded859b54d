#!/bin/sh
# Molecule's dependency step of hub-containers: the images (built once from Debian packages and cached, or
# named by OVPN6_HUB_IMAGE_DEBIAN12 / OVPN6_HUB_IMAGE_DEBIAN13) and the scenario's own Podman network,
# internal: the containers reach each other and nothing beyond it. destroy removes the network.
set -eu
cd "$(dirname "$0")/../.."
export CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/molecule/hub-containers/containers.conf}"
PYTHONPATH=tests/lab python3 -m labct ensure
if ! podman network exists ovpn6-hubs; then
    # Podman picks a subnet that no route of the host uses: a fixed one could hide an address the host
    # needs (a package mirror, say) behind the bridge for as long as the scenario runs.
    podman network create --internal ovpn6-hubs >/dev/null
    echo "created the internal network ovpn6-hubs ($(podman network inspect --format '{{range .Subnets}}{{.Subnet}}{{end}}' ovpn6-hubs))"
fi
