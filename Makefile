# ovpn6: every entry point. `make demo` runs the main job on the lab; `make test` runs every test.
# On a fresh Debian 12 machine with root, nothing else needs doing first.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
COLLECTION_LINK := .build/collections/ansible_collections/tunnelworks/ovpn6
SANITY_TREE := .build/sanity/ansible_collections/tunnelworks/ovpn6
SYSTEM_PACKAGES := python3-venv qemu-system-x86 qemu-utils debootstrap mmdebstrap \
	openvpn openssl iproute2 nftables e2fsprogs openssh-client rsync git gcc libc6-dev podman runc
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: test demo deps venv collection unit integration lint sanity lab-test lab-test-roles lab-field-test bench bench-hub clean

test: venv unit integration lint sanity lab-test

deps: .build/deps.stamp
.build/deps.stamp:
	@mkdir -p .build
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing system packages: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi
	@touch $@

venv: deps $(VENV)/.installed collection
$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	@touch $@

# The checkout itself is the collection: link it where ansible looks for tunnelworks.ovpn6.
collection:
	@mkdir -p $(dir $(COLLECTION_LINK))
	@ln -sfn $(CURDIR) $(COLLECTION_LINK)

unit: venv
	$(BIN)/pytest -q tests/unit

integration: venv
	$(BIN)/pytest -q tests/integration

# The collection's docs as a user sees them (ansible-doc, the docsite): every module, plugin and role
# argument spec must render. antsibull-docs wants the ansible_collections/<ns>/<name> tree: the link.
lint: venv
	$(BIN)/ansible-lint --profile production
	$(BIN)/antsibull-docs lint-collection-docs --plugin-docs $(COLLECTION_LINK)

# ansible-test needs a real ansible_collections/<ns>/<name> tree, so sanity runs on a copy.
# Its pip bootstrap script lives on a host that is out of reach here: put our stand-in in its cache.
sanity: venv
	@mkdir -p $(HOME)/.ansible/test/cache
	@cp tests/sanity/bootstrap_pip.py $(HOME)/.ansible/test/cache/get_pip_24_2.py
	@rm -rf $(SANITY_TREE) && mkdir -p $(SANITY_TREE)
	@git ls-files -z --cached --others --exclude-standard | rsync -a --from0 --files-from=- ./ $(SANITY_TREE)/
	cd $(SANITY_TREE) && git init -q && git add -A && \
		$(CURDIR)/$(BIN)/ansible-test sanity --python 3.11 --color no

# First the hub roles on Debian 12 and 13 containers (Molecule hub-containers, Podman; images cached).
# Then the tests that boot the lab VM (tests/vm, marked vm; the images are cached in /var/cache/ovpn6-lab). The hub
# end of sit_tunnel is tested on a VM of its own (the containers cannot run sit here). openvpn_server's own VM
# tests and sit_tunnel's on Debian 13 are make lab-test-roles, left out of make test to keep CI within its time
# (hub-containers runs openvpn_server on Debian 12 and 13, Molecule default on 12). Molecule's
# default scenario converges the whole lab and keeps it
# up, so the end-to-end fault tests run on that converged lab instead of building a second one. The chr
# scenario runs too: without OVPN6_CHR_IMAGE it only says that it was skipped.
# Everything reads stdin from /dev/null: Ansible refuses a non-blocking stdin, which an ssh to a
# rebooting VM can leave behind on a shared one.
lab-test: venv
	time $(BIN)/molecule test -s hub-containers </dev/null
	time $(BIN)/pytest -q -m vm --durations=15 --ignore=tests/vm/test_lab_end_to_end.py --ignore=tests/vm/test_rotate_lab.py --ignore=tests/vm/test_openvpn_server.py tests/vm </dev/null
	$(BIN)/molecule test -s chr </dev/null
	time $(BIN)/molecule test -s default --destroy=never </dev/null || { $(BIN)/molecule destroy -s default </dev/null; exit 1; }
	time env OVPN6_LAB_CONVERGED=molecule-default $(BIN)/pytest -q -s -m vm -k 'not bootstrap_script' tests/vm/test_lab_end_to_end.py </dev/null; \
		status=$$?; $(BIN)/molecule destroy -s default </dev/null; exit $$status

# The field, with packets, on one lab of its own converged once: routers reset to factory that come back by
# importing their bootstrap.yml script (the lab is left as site.yml built it), then playbooks/rotate.yml.
# Left out of make test for CI's time (the rotation is also proven with real OpenVPN by make integration).
LAB_FIELD_VM = field-test
lab-field-test: venv
	export OVPN6_LAB_VM=$(LAB_FIELD_VM) OVPN6_LAB_CONVERGED=$(LAB_FIELD_VM) ANSIBLE_CONFIG=$(CURDIR)/ansible.cfg \
		PYTHONPATH=tests/lab; \
	$(PY) -m ovpn6lab destroy </dev/null && $(PY) -m ovpn6lab up </dev/null \
		&& $(BIN)/ansible-playbook -i inventory/lab playbooks/site.yml </dev/null \
		&& $(BIN)/pytest -q -s -m vm -k bootstrap_script tests/vm/test_lab_end_to_end.py </dev/null \
		&& $(BIN)/pytest -q -s -m vm tests/vm/test_rotate_lab.py </dev/null; \
	status=$$?; $(PY) -m ovpn6lab destroy </dev/null; exit $$status

# Router side: the mikrotik_ovpn_client role against 1, 10, 50 and 500 emulated routers, beside the role before
# its rework (baseline), api_modify, Ansible alone and the floor. Figures only (README, "Benchmark"). At 500
# routers api_modify and the baseline take long; leave them out with BENCH_VARIANTS=role,ansible,floor
BENCH_ROUTERS ?= 1,10,50,500
BENCH_VARIANTS ?= role,baseline,api_modify,ansible,floor
bench: venv
	$(PY) tests/bench/bench_router_side.py --routers $(BENCH_ROUTERS) --variants $(BENCH_VARIANTS)

# The hub roles' own VM tests: openvpn_server's on a Debian 12 lab VM, sit_tunnel's on a Debian 13 one
# (each image built once and cached). About 25 minutes under TCG.
lab-test-roles: venv
	time $(BIN)/pytest -q -m vm --durations=10 tests/vm/test_openvpn_server.py </dev/null
	time env OVPN6_LAB_SUITE=13 $(BIN)/pytest -q -m vm --durations=10 tests/vm/test_sit_tunnel.py </dev/null

# Hub side: the hub roles for growing numbers of sites on a Podman container of the hub-containers scenario's
# image (figures only; README, "Benchmark"). BENCH_HUB_ON=vm runs them on the lab VM instead.
BENCH_SITES ?= 10,100,500
BENCH_HUB_ON ?= container
bench-hub: venv
	$(PY) tests/bench/bench_hub.py --sites $(BENCH_SITES) --on $(BENCH_HUB_ON)

demo: venv
	# Boots the lab VM (image built once, cached), runs playbooks/site.yml and the packet proofs, prints a summary.
	PYTHONPATH=tests/lab $(PY) -m ovpn6lab demo

clean:
	rm -rf .build
