"""Encrypted keys: Web3 Secret Storage keystores (eth-account), unlocked by a password file.

`python -m oracle keys new|import|show`:

    python -m oracle keys new    --keystore keys/reporter.json --password-file keys/reporter.password
    python -m oracle keys import --keystore keys/reporter.json --password-file keys/reporter.password \
                                 --private-key-file key.hex        # or "-" to read stdin
    python -m oracle keys show   --keystore keys/reporter.json

A private key never goes on the command line (it would sit in the shell history and the process
list). Keystores are written with mode 0600 and never overwritten; a keystore or password file
that others can read is reported on load.
"""

import argparse
import json
import logging
import os
import stat
import sys
from pathlib import Path
from typing import Any, Literal, cast

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_utils import is_hex, to_checksum_address

from oracle.exceptions import KeystoreError

log = logging.getLogger("oracle.keys")

KDFS = ("scrypt", "pbkdf2")
Kdf = Literal["scrypt", "pbkdf2"]
MIN_PASSWORD = 8


def read_password(password_file: Path | str) -> str:
    """The password in `password_file`, without its trailing newline."""
    path = Path(password_file)
    try:
        password = path.read_text().rstrip("\r\n")
    except FileNotFoundError:
        raise KeystoreError(f"no password file at {path}: create it (one line, mode 0600)") from None
    except OSError as error:
        raise KeystoreError(f"cannot read the password file {path}: {error.strerror}") from None
    if not password:
        raise KeystoreError(f"the password file {path} is empty: write the keystore's password in it")
    warn_if_readable(path)
    return password


def read_keystore(keystore: Path | str) -> dict[str, Any]:
    path = Path(keystore)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError:
        raise KeystoreError(
            f"no keystore at {path}: create one with `python -m oracle keys new --keystore {path} "
            "--password-file <file>` or import a key with `keys import`"
        ) from None
    except (OSError, json.JSONDecodeError) as error:
        raise KeystoreError(f"{path} is not a readable keystore JSON file ({error})") from None
    if not isinstance(raw, dict) or "crypto" not in {key.lower() for key in raw}:
        raise KeystoreError(f"{path} is not a Web3 Secret Storage keystore (no 'crypto' section)")
    return raw


def load_account(keystore: Path | str, password_file: Path | str) -> LocalAccount:
    """Decrypt `keystore` with the password in `password_file`."""
    raw = read_keystore(keystore)
    password = read_password(password_file)
    warn_if_readable(Path(keystore))
    try:
        key = Account.decrypt(raw, password)
    except ValueError as error:
        if "MAC mismatch" in str(error):
            raise KeystoreError(
                f"wrong password for {keystore} (from {password_file}): the keystore does not decrypt "
                "with it; check the password file belongs to this keystore"
            ) from None
        raise KeystoreError(f"{keystore} does not decrypt: {error}") from None
    account: LocalAccount = Account.from_key(key)
    recorded = raw.get("address")
    if isinstance(recorded, str) and is_hex(recorded) and int(recorded, 16) != int(account.address, 16):
        raise KeystoreError(f"{keystore} says address 0x{recorded} but holds the key of {account.address}")
    return account


def get_keystore_address(keystore: Path | str) -> str:
    """The address a keystore declares (no password needed)."""
    raw = read_keystore(keystore)
    address = raw.get("address")
    if not isinstance(address, str) or not is_hex(address) or len(address.removeprefix("0x")) != 40:
        raise KeystoreError(f"{keystore} declares no address; `keys show` needs one")
    return to_checksum_address(address if address.startswith("0x") else "0x" + address)


def write_keystore(
    keystore: Path | str,
    private_key: bytes,
    password: str,
    kdf: str = "scrypt",
    iterations: int | None = None,
) -> LocalAccount:
    """Encrypt `private_key` into a new keystore file (mode 0600); never replaces an existing file."""
    path = Path(keystore)
    if kdf not in KDFS:
        raise KeystoreError(f"kdf must be one of {KDFS}, got {kdf!r}")
    if len(password) < MIN_PASSWORD:
        raise KeystoreError(f"the password is shorter than {MIN_PASSWORD} characters: use a longer one")
    account: LocalAccount = Account.from_key(private_key)
    encrypted = Account.encrypt(private_key, password, kdf=cast(Kdf, kdf), iterations=iterations)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeystoreError(f"{path} exists: a keystore is never overwritten; choose another path") from None
    with os.fdopen(fd, "w") as out:
        json.dump(encrypted, out)
        out.flush()
        os.fsync(out.fileno())
    return account


def warn_if_readable(path: Path) -> None:
    """Log a warning when a secret file is readable by the group or others."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        log.warning(
            "%s is readable by other users (mode %o): chmod 600 %s",
            path,
            stat.S_IMODE(mode),
            path,
            extra={"path": str(path)},
        )


def read_private_key(source: str) -> bytes:
    """A hex private key from a file, or from stdin when `source` is "-"."""
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text()
    except OSError as error:
        raise KeystoreError(f"cannot read the private key from {source}: {error.strerror}") from None
    text = text.strip()
    if not is_hex(text) or len(text.removeprefix("0x")) != 64:
        raise KeystoreError(f"{source} does not hold a 32-byte hex private key")
    key = bytes.fromhex(text.removeprefix("0x"))
    if not 0 < int.from_bytes(key, "big") < 2**256 - 2**32 - 977:
        raise KeystoreError(f"{source} holds an invalid secp256k1 private key")
    return key


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m oracle keys", description="Manage encrypted keystores.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, summary in (("new", "create a new random key"), ("import", "encrypt an existing key")):
        sub = commands.add_parser(name, help=summary)
        sub.add_argument("--keystore", required=True, type=Path, help="keystore file to create")
        sub.add_argument("--password-file", required=True, type=Path, help="file holding the password")
        sub.add_argument("--kdf", choices=KDFS, default="scrypt", help="key derivation (default scrypt)")
        if name == "import":
            sub.add_argument("--private-key-file", required=True, help="hex private key file, or - for stdin")
    show = commands.add_parser("show", help="print a keystore's address")
    show.add_argument("--keystore", required=True, type=Path)
    show.add_argument("--password-file", type=Path, help="also decrypt, to check the password")
    return parser


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    try:
        if args.command == "show":
            address = get_keystore_address(args.keystore)
            if args.password_file is not None:
                address = load_account(args.keystore, args.password_file).address
            print(address)
            return 0
        key = os.urandom(32) if args.command == "new" else read_private_key(args.private_key_file)
        account = write_keystore(args.keystore, key, read_password(args.password_file), args.kdf)
        print(account.address)
        return 0
    except KeystoreError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
