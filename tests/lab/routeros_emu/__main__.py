# Copyright (c) tunnelworks
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m routeros_emu serve --release 7.16 --port 0 --state FILE --password PW [--count N]"""

from __future__ import annotations

import argparse
import json
import signal
import socket
import sys
import threading

from . import evidence
from .router import Router
from .server import ControlServer, Hub


def _parser():
    parser = argparse.ArgumentParser(prog="python -m routeros_emu")
    sub = parser.add_subparsers(dest="action", required=True)
    serve = sub.add_parser("serve", help="serve one or more emulated routers until interrupted")
    serve.add_argument("--release", default="7.16", help="RouterOS release: 6.49.x or any 7.x (tested: %s)" % ", ".join(evidence.TEST_RELEASES))
    serve.add_argument("--assume", action="append", default=[], metavar="KEY=JSON",
                       help="settle a fact evidence leaves open, e.g. cipher_words=\"legacy\" "
                            "(keys: %s)" % ", ".join(sorted(evidence.ASSUMPTIONS)))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="API port of the first router (0: any free port); "
                       "router i listens on port+i when port is not 0")
    serve.add_argument("--tls-cert", help="PEM certificate for API-SSL (enables it)")
    serve.add_argument("--tls-key", help="PEM private key for API-SSL")
    serve.add_argument("--tls-port", type=int, default=0)
    serve.add_argument("--state", help="state file (router i of --count N uses FILE.i)")
    serve.add_argument("--reset", action="store_true", help="start from the factory configuration")
    serve.add_argument("--factory", choices=("minimal", "defconf", "blank"), default=None,
                       help="factory state of a new or reset router: minimal (default: the emulator's test "
                       "baseline), defconf (the release's SOHO default configuration) or blank (CHR/netinstall); "
                       "default: the one saved in --state")
    serve.add_argument("--username", default="admin")
    serve.add_argument("--password", default="")
    serve.add_argument("--count", type=int, default=1, help="number of routers to serve")
    serve.add_argument("--stats-file", help="JSON file rewritten twice a second with per-router counters")
    serve.add_argument("--control-port", type=int, help="127.0.0.1 port for JSON-line control requests")
    serve.add_argument("--ports-file", help="write the listening ports here as JSON once ready")
    serve.add_argument("--netns", help="realise the configuration in this network namespace (lab VM only; "
                       "one router): real openvpn, sit, addresses, routes, rules, nftables")
    serve.add_argument("--api-port-in-netns", type=int, default=0,
                       help="with --netns: serve the API inside the namespace too, on this port of every "
                            "address the router holds (its input firewall decides who reaches it)")
    serve.add_argument("--realiser-dir", help="the realiser's files (certificates, openvpn configs); "
                       "default: beside --state")
    ctl = sub.add_parser("ctl", help="send one JSON request to a running emulator's control port")
    ctl.add_argument("--control-port", type=int, required=True)
    ctl.add_argument("request", help='e.g. \'{"op": "stats"}\'')
    return parser


def _serve(args):
    if args.host not in ("127.0.0.1", "::1", "localhost"):
        sys.exit("refusing to listen on %s: the emulator only serves 127.0.0.1 or ::1" % args.host)
    evidence.check_supported(args.release)
    assume = {}
    for item in args.assume:
        key, _sep, value = item.partition("=")
        try:
            assume[key] = json.loads(value)
        except ValueError:
            assume[key] = value
    evidence.assumptions(assume)
    hub = Hub(stats_file=args.stats_file)
    realiser = None
    if args.netns:
        if args.count != 1:
            sys.exit("--netns realises one router: run one emulator per namespace")
        from .realiser import NetnsRealiser
        realiser = NetnsRealiser(args.netns, args.realiser_dir or ((args.state or "routeros-emu") + ".realised"))
    described = []
    for index in range(args.count):
        state = None
        if args.state:
            state = args.state if args.count == 1 else "%s.%d" % (args.state, index)
        router = Router(release=args.release, username=args.username, password=args.password, state_file=state,
                        reset=args.reset, identity="MikroTik" if args.count == 1 else "rtr-%d" % index,
                        realiser=realiser, assume=assume, factory=args.factory)
        if realiser is not None:
            realiser.start(router)
        port = args.port + index if args.port else 0
        tls_port = (args.tls_port + index if args.tls_port else 0) if args.tls_cert else None
        service = hub.add(router, args.host, port, tls_port, args.tls_cert, args.tls_key)
        if realiser is not None and args.api_port_in_netns:
            hub.add_listener(service, realiser.api_listener(args.api_port_in_netns))
        described.append({"index": index, "port": service.port, "tls_port": service.tls_port, "state": state})
    control = ControlServer(hub, args.control_port) if args.control_port is not None else None
    ready = {"release": args.release, "routers": described, "control_port": control.port if control else None}
    if args.ports_file:
        with open(args.ports_file, "w") as handle:
            json.dump(ready, handle)
    print(json.dumps(ready), flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    if realiser is not None:
        realiser.stop()
    hub.close()


def _ctl(args):
    with socket.create_connection(("127.0.0.1", args.control_port), timeout=10) as conn:
        conn.sendall(args.request.encode() + b"\n")
        print(conn.makefile("rb").readline().decode().strip())


def main(argv=None):
    args = _parser().parse_args(argv)
    if args.action == "serve":
        _serve(args)
    else:
        _ctl(args)


if __name__ == "__main__":
    main()
