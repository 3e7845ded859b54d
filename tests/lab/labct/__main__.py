"""python -m labct ensure|tag|prune [RELEASE ...] (tests/lab on PYTHONPATH).

ensure: print the image each release runs (building the cached one when it is missing);
tag: print the tag of the current build without building; prune: remove older builds.
"""

from __future__ import annotations

import argparse
import sys

from labct.image import RELEASES, HubImage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labct", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["ensure", "tag", "prune"])
    parser.add_argument("releases", nargs="*", default=sorted(RELEASES), help="debian12, debian13 (default: both)")
    args = parser.parse_args(argv)
    for release in args.releases:
        try:
            image = HubImage(release)
        except ValueError as exc:
            parser.error(str(exc))
        if args.command == "ensure":
            print(f"{release} {image.ensure()}")
        elif args.command == "tag":
            print(f"{release} {image.tag}")
        else:
            for tag in image.prune():
                print(f"removed {tag}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
