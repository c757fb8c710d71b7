"""`python -m oracle <command> ...`: reporter node, pricer, keeper, keystore tool.

Each command lives in its own module with a `main(argv) -> int`; only the chosen one is imported.
"""

import importlib
import sys

COMMANDS = {
    "reporter": ("oracle.reporter.__main__", "sign and submit match results (one M-of-N signer node)"),
    "pricer": ("oracle.pricing.__main__", "price markets, sign and publish quotes, suspend on events"),
    "keeper": ("oracle.keeper.__main__", "create games and markets, finalize results, push payouts"),
    "keys": ("oracle.keys", "manage encrypted keystores: new | import | show"),
}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print("usage: python -m oracle {" + ",".join(COMMANDS) + "} ...", file=sys.stderr)
        for name, (_, summary) in COMMANDS.items():
            print(f"  {name:<9} {summary}", file=sys.stderr)
        return 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return int(module.main(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
