"""Reporter nodes on one machine: keystores for the local reporter keys, node configs, processes.

    python -m oracle.reporter.localnet --out oracle/reporter/examples/keys

writes `reporter-<i>.json` keystores of the publicly known local keys "reporter 0/1/2" (never
use them where money is real) with their password files, which the example configs name. The
functions below also serve the integration tests and `scripts/bench_reporter.py`, which start
real node processes.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from oracle.keys import write_keystore
from scripts.deployment import local_account

REPO = Path(__file__).resolve().parents[2]


def write_local_keystore(
    folder: Path, role: str, kdf: str = "scrypt", iterations: int | None = None
) -> tuple[Path, Path]:
    """Keystore and password file of the local `role` key ("reporter 0", ...) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = role.replace(" ", "-")
    keystore, password_file = folder / f"{stem}.json", folder / f"{stem}.password"
    if not keystore.exists():
        password = secrets.token_hex(16)
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        write_keystore(keystore, local_account(role).key, password, kdf, iterations)
    return keystore, password_file


def to_toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {to_toml(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value))


def write_node_config(path: Path, sections: dict[str, dict[str, Any]], sources: list[dict[str, Any]]) -> Path:
    """A node TOML file: `sections` ({"node": {...}, "chain": {...}, ...}) and `[[sources]]` tables."""
    lines: list[str] = []
    for name, table in sections.items():
        lines.append(f"[{name}]")
        lines += [f"{key} = {to_toml(value)}" for key, value in table.items()]
        lines.append("")
    for source in sources:
        lines.append("[[sources]]")
        lines += [f"{key} = {to_toml(value)}" for key, value in source.items()]
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines))
    return path


def start_node(config: Path, log: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """`python -m oracle reporter --config <config>`, its JSON log appended to `log`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ORACLE_")} | (env or {})
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "oracle", "reporter", "--config", str(config)],
            cwd=REPO,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oracle.reporter.localnet", description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO / "oracle" / "reporter" / "examples" / "keys")
    parser.add_argument("--reporters", type=int, default=3)
    args = parser.parse_args(argv)
    for index in range(args.reporters):
        keystore, _ = write_local_keystore(args.out, f"reporter {index}")
        print(keystore)
    return 0


if __name__ == "__main__":
    sys.exit(main())
