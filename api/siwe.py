"""Sign-In with Ethereum (EIP-4361): parse a message, check it against this server, recover its signer.

Pure: no clock, database or network. The caller passes `now` and consumes the nonce only after
every check here passed, so a garbage or hostile submission never burns a pending nonce.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_checksum_address

from api.exceptions import SignInError

MAX_MESSAGE_CHARS = 4_096
SECP256K1_HALF_N = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0
PREAMBLE = " wants you to sign in with your Ethereum account:"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
_AUTHORITY = re.compile(r"[A-Za-z0-9.\-]{1,253}(:[0-9]{1,5})?")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_NONCE = re.compile(r"[A-Za-z0-9]{8,64}")
_CHAIN_ID = re.compile(r"[1-9][0-9]{0,18}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})")
_PRINTABLE = re.compile(r"[^\x00-\x1f\x7f]*")
_SIGNATURE = re.compile(r"0x[0-9a-fA-F]{130}")
_OPTIONAL = ("Expiration Time: ", "Not Before: ", "Request ID: ")

MALFORMED = "sign-in failed: malformed message"
WRONG_DOMAIN = "sign-in failed: the message is for another domain"
WRONG_CHAIN = "sign-in failed: the message is for another chain id"
NOT_VALID_NOW = "sign-in failed: the message has expired or is not valid yet"
BAD_SIGNATURE = "sign-in failed: the signature does not match the message's address"
BAD_NONCE = "sign-in failed: unknown, expired or used nonce; ask POST /auth/nonce for a new one"


@dataclass(frozen=True)
class SiweMessage:
    domain: str
    address: str  # EIP-55, as the message spells it
    uri: str
    chain_id: int
    nonce: str
    issued_at: datetime
    scheme: str | None = None
    statement: str | None = None
    expiration_time: datetime | None = None
    not_before: datetime | None = None
    request_id: str | None = None
    resources: tuple[str, ...] = ()


def parse_message(text: str) -> SiweMessage:
    """The fields of an EIP-4361 message, or SignInError(MALFORMED) for anything off the grammar."""
    if len(text) > MAX_MESSAGE_CHARS or "\r" in text:
        raise SignInError(MALFORMED)
    lines = text.split("\n")
    if len(lines) < 9 or not lines[0].endswith(PREAMBLE) or lines[2] != "":
        raise SignInError(MALFORMED)
    scheme, domain = _parse_origin(lines[0][: -len(PREAMBLE)])
    address = _require(lines[1], _ADDRESS)
    if to_checksum_address(address) != address:
        raise SignInError(MALFORMED)
    statement, at = (None, 3) if lines[3] == "" else (_parse_statement(lines[3:5]), 4)
    fields, rest = _parse_tagged(lines[at + 1 :])
    return SiweMessage(
        domain=domain,
        address=address,
        uri=_parse_uri(fields["URI: "]),
        chain_id=int(_require(fields["Chain ID: "], _CHAIN_ID)),
        nonce=_require(fields["Nonce: "], _NONCE),
        issued_at=_parse_time(fields["Issued At: "]),
        scheme=scheme,
        statement=statement,
        expiration_time=_parse_optional_time(fields.get("Expiration Time: ")),
        not_before=_parse_optional_time(fields.get("Not Before: ")),
        request_id=_require(fields["Request ID: "], _PRINTABLE) if "Request ID: " in fields else None,
        resources=_parse_resources(rest),
    )


def validate_message(message: SiweMessage, domain: str, chain_id: int, now: datetime, skew: int) -> None:
    """Raise SignInError unless the message names this server and chain and is valid at `now`."""
    if message.domain.lower() != domain.lower() or urlsplit(message.uri).netloc.lower() != domain.lower():
        raise SignInError(WRONG_DOMAIN)
    if message.scheme not in (None, "https", "http"):
        raise SignInError(WRONG_DOMAIN)
    if message.chain_id != chain_id:
        raise SignInError(WRONG_CHAIN)
    if (message.issued_at - now).total_seconds() > skew:
        raise SignInError(NOT_VALID_NOW)
    if message.expiration_time is not None and message.expiration_time <= now:
        raise SignInError(NOT_VALID_NOW)
    if message.not_before is not None and message.not_before > now:
        raise SignInError(NOT_VALID_NOW)


def validate_signature(text: str, signature: str, address: str) -> None:
    """Raise SignInError unless `signature` (EIP-191 personal_sign, low-s) over `text` is `address`'s."""
    if not _SIGNATURE.fullmatch(signature):
        raise SignInError(BAD_SIGNATURE)
    raw = bytes.fromhex(signature[2:])
    if int.from_bytes(raw[32:64], "big") > SECP256K1_HALF_N or raw[64] not in (0, 1, 27, 28):
        raise SignInError(BAD_SIGNATURE)
    try:
        signer = Account.recover_message(encode_defunct(text=text), signature=raw)
    except Exception:  # eth-account raises several types for unrecoverable signatures
        raise SignInError(BAD_SIGNATURE) from None
    if signer.lower() != address.lower():
        raise SignInError(BAD_SIGNATURE)


def _require(value: str, pattern: re.Pattern[str]) -> str:
    if not pattern.fullmatch(value):
        raise SignInError(MALFORMED)
    return value


def _parse_origin(origin: str) -> tuple[str | None, str]:
    scheme, _, domain = origin.rpartition("://")
    if scheme and not _SCHEME.fullmatch(scheme):
        raise SignInError(MALFORMED)
    return scheme or None, _require(domain, _AUTHORITY)


def _parse_statement(lines: list[str]) -> str:
    if len(lines) < 2 or lines[1] != "" or not _PRINTABLE.fullmatch(lines[0]):
        raise SignInError(MALFORMED)
    return lines[0]


def _parse_tagged(lines: list[str]) -> tuple[dict[str, str], list[str]]:
    """The required then optional `Tag: value` lines, in the grammar's order; the lines after them."""
    fields: dict[str, str] = {}
    for tag in ("URI: ", "Version: ", "Chain ID: ", "Nonce: ", "Issued At: "):
        if not lines or not lines[0].startswith(tag):
            raise SignInError(MALFORMED)
        fields[tag], lines = lines[0][len(tag) :], lines[1:]
    if fields.pop("Version: ") != "1":
        raise SignInError(MALFORMED)
    for tag in _OPTIONAL:
        if lines and lines[0].startswith(tag):
            fields[tag], lines = lines[0][len(tag) :], lines[1:]
    return fields, lines


def _parse_resources(lines: list[str]) -> tuple[str, ...]:
    if not lines:
        return ()
    if lines[0] != "Resources:" or any(not line.startswith("- ") for line in lines[1:]):
        raise SignInError(MALFORMED)
    return tuple(_parse_uri(line[2:]) for line in lines[1:])


def _parse_uri(value: str) -> str:
    parts = urlsplit(value)
    if not parts.scheme or not _SCHEME.fullmatch(parts.scheme) or any(c.isspace() for c in value):
        raise SignInError(MALFORMED)
    return value


def _parse_time(value: str) -> datetime:
    _require(value, _TIME)
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SignInError(MALFORMED) from None


def _parse_optional_time(value: str | None) -> datetime | None:
    return None if value is None else _parse_time(value)
