"""Keystores: `python -m oracle keys new|import|show` and `load_account`, with their errors."""

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from eth_account import Account

from oracle import keys
from oracle.exceptions import KeystoreError
from scripts.deployment import local_account
from scripts.localchain import REPO

pytestmark = pytest.mark.unit

PASSWORD = "correct horse battery"
FAST = {"kdf": "pbkdf2", "iterations": 1_000}  # the CLI's scrypt takes a second per decrypt


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    path.chmod(0o600)
    return path


def test_default_behavior(tmp_path: Path, password_file: Path) -> None:
    """Import a key, show its address, load it back with the password file."""
    reporter = local_account("reporter 0")
    key_file = tmp_path / "key.hex"
    key_file.write_text(reporter.key.hex() + "\n")
    keystore = tmp_path / "reporter.json"
    args = ["--keystore", str(keystore), "--password-file", str(password_file)]
    assert keys.main(["import", *args, "--private-key-file", str(key_file), "--kdf", "pbkdf2"]) == 0
    assert keystore.stat().st_mode & 0o777 == 0o600
    assert keys.get_keystore_address(keystore) == reporter.address
    assert keys.load_account(keystore, password_file).key == reporter.key


def test_new_makes_a_fresh_key(
    tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keystore = tmp_path / "new.json"
    assert (
        keys.main(
            ["new", "--keystore", str(keystore), "--password-file", str(password_file), "--kdf", "pbkdf2"]
        )
        == 0
    )
    address = capsys.readouterr().out.strip()
    assert keys.load_account(keystore, password_file).address == address
    assert keys.main(["show", "--keystore", str(keystore), "--password-file", str(password_file)]) == 0
    assert capsys.readouterr().out.strip() == address


def test_import_from_stdin(tmp_path: Path, password_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pricer = local_account("pricer")
    monkeypatch.setattr(sys, "stdin", io.StringIO("0x" + pricer.key.hex()))
    keystore = tmp_path / "pricer.json"
    args = [
        "import",
        "--keystore",
        str(keystore),
        "--password-file",
        str(password_file),
        "--private-key-file",
        "-",
    ]
    assert keys.main([*args, "--kdf", "pbkdf2"]) == 0
    assert keys.load_account(keystore, password_file).address == pricer.address


def test_wrong_password(tmp_path: Path, password_file: Path) -> None:
    keystore = tmp_path / "k.json"
    keys.write_keystore(keystore, local_account("guardian").key, PASSWORD, **FAST)
    wrong = tmp_path / "wrong"
    wrong.write_text("not the password")
    with pytest.raises(KeystoreError, match=r"wrong password for .* check the password file"):
        keys.load_account(keystore, wrong)


def test_missing_files(tmp_path: Path, password_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(KeystoreError, match=r"no keystore at .* keys new"):
        keys.load_account(tmp_path / "none.json", password_file)
    keystore = tmp_path / "k.json"
    keys.write_keystore(keystore, local_account("guardian").key, PASSWORD, **FAST)
    with pytest.raises(KeystoreError, match="no password file"):
        keys.load_account(keystore, tmp_path / "none")
    assert keys.main(["show", "--keystore", str(tmp_path / "none.json")]) == 1
    assert "no keystore at" in capsys.readouterr().err


def test_bad_inputs(tmp_path: Path, password_file: Path) -> None:
    not_json = tmp_path / "x.json"
    not_json.write_text("{")
    with pytest.raises(KeystoreError, match="not a readable keystore"):
        keys.load_account(not_json, password_file)
    not_keystore = tmp_path / "y.json"
    not_keystore.write_text(json.dumps({"address": "00"}))
    with pytest.raises(KeystoreError, match="not a Web3 Secret Storage keystore"):
        keys.load_account(not_keystore, password_file)
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(KeystoreError, match="is empty"):
        keys.read_password(empty)
    for bad in ("12", "zz" * 32, "00" * 32, "ff" * 32):
        key_file = tmp_path / "bad.hex"
        key_file.write_text(bad)
        with pytest.raises(KeystoreError, match="private key"):
            keys.read_private_key(str(key_file))
    with pytest.raises(KeystoreError, match="shorter than"):
        keys.write_keystore(tmp_path / "short.json", local_account("pricer").key, "short", **FAST)


def test_never_overwrites(tmp_path: Path) -> None:
    keystore = tmp_path / "k.json"
    keys.write_keystore(keystore, local_account("pricer").key, PASSWORD, **FAST)
    before = keystore.read_text()
    with pytest.raises(KeystoreError, match="never overwritten"):
        keys.write_keystore(keystore, local_account("guardian").key, PASSWORD, **FAST)
    assert keystore.read_text() == before


def test_address_mismatch(tmp_path: Path, password_file: Path) -> None:
    keystore = tmp_path / "k.json"
    keys.write_keystore(keystore, local_account("pricer").key, PASSWORD, **FAST)
    raw = json.loads(keystore.read_text())
    raw["address"] = local_account("guardian").address[2:].lower()
    keystore.write_text(json.dumps(raw))
    with pytest.raises(KeystoreError, match="holds the key of"):
        keys.load_account(keystore, password_file)


def test_warns_on_readable_secrets(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    keystore, password = tmp_path / "k.json", tmp_path / "p"
    keys.write_keystore(keystore, local_account("pricer").key, PASSWORD, **FAST)
    password.write_text(PASSWORD)
    password.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="oracle.keys"):
        keys.load_account(keystore, password)
    assert any(
        "readable by other users" in r.getMessage() and "chmod 600" in r.getMessage() for r in caplog.records
    )


def test_keystore_is_standard(tmp_path: Path) -> None:
    """Any Web3 Secret Storage reader (here eth-account directly) opens what `keys` writes."""
    keystore = tmp_path / "k.json"
    keys.write_keystore(keystore, local_account("pricer").key, PASSWORD, **FAST)
    assert Account.decrypt(json.loads(keystore.read_text()), PASSWORD) == local_account("pricer").key


@pytest.mark.integration
def test_cli_through_the_dispatcher(tmp_path: Path, password_file: Path) -> None:
    keystore = tmp_path / "k.json"
    keys.write_keystore(keystore, local_account("reporter 1").key, PASSWORD, **FAST)
    done = subprocess.run(
        [sys.executable, "-m", "oracle", "keys", "show", "--keystore", str(keystore)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0 and done.stdout.strip() == local_account("reporter 1").address
