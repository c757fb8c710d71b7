"""The node's side of signature sharing: read the peers, keep the signatures that check out.

`gather` reads every peer once (all at once, bounded by `PeerClient`) and checks each served
signature for a game the node has signed and still waits on: at most one per peer and game,
as an honest node serves. A usable signature is kept until the game is proposed; one of a
current reporter over another result raises an alert (it is evidence against that reporter or
against this node); anything else is counted and logged once. A peer that fails is logged when
its state changes and never stops the node.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from oracle.reporter.bundle import Check, PeerEntry, ReporterSet, check_entry, parse_served
from oracle.reporter.exceptions import PeerError
from oracle.reporter.metrics import ReporterMetrics
from oracle.reporter.peers import PeerClient
from oracle.reporter.store import SignedResult
from oracle.signing import GameResult, Signature

log = logging.getLogger("oracle.reporter")


@dataclass
class Exchange:
    peers: PeerClient
    metrics: ReporterMetrics
    chain_id: int
    oracle: str
    own_address: str
    get_digest: Callable[[GameResult], bytes]
    alert: Callable[[int, str, str], None]  # (game, kind, message), logged once per game and kind
    verified: dict[int, dict[str, Signature]] = field(default_factory=dict)  # game -> signer -> signature
    version: int = 0  # reporter-set version the verified signatures belong to
    peer_errors: dict[str, str | None] = field(default_factory=dict)
    noted: set[tuple[int, str, str]] = field(default_factory=set)  # (game, peer, reason) logged

    def gather(self, own: dict[int, SignedResult], reporters: ReporterSet) -> None:
        """Read every peer once; keep the signatures over this node's results for the games in `own`."""
        if reporters.version != self.version:
            self.verified.clear()  # signatures of another set do not count
            self.version = reporters.version
        for url, answer in self.peers.fetch_all().items():
            try:
                if isinstance(answer, PeerError):
                    raise answer
                entries = parse_served(answer, self.chain_id, self.oracle)
            except PeerError as error:
                detail = str(error) if isinstance(answer, PeerError) else f"peer {url}: {error}"
                self.observe_peer(url, detail)
                continue
            self.observe_peer(url, None)
            seen: set[int] = set()
            for entry in entries:
                game = entry.result.game
                if game in own and game not in seen:
                    seen.add(game)
                    self.check(url, entry, own[game], reporters)

    def get_verified(self, game: int, reporters: ReporterSet) -> dict[str, Signature]:
        return self.verified.get(game, {}) if reporters.version == self.version else {}

    def forget(self, game: int) -> None:
        self.verified.pop(game, None)
        self.noted = {key for key in self.noted if key[0] != game}

    def check(self, url: str, entry: PeerEntry, own: SignedResult, reporters: ReporterSet) -> None:
        game = own.result.game
        check, signer = check_entry(entry, own, reporters, self.get_digest)
        if check is Check.MATCH:
            if signer != self.own_address:
                assert signer is not None
                self.verified.setdefault(game, {})[signer] = entry.signature
            return
        if (game, url, check.value) in self.noted:
            return
        self.noted.add((game, url, check.value))
        self.metrics.peer_rejections.labels(check.value).inc()
        if check is Check.OTHER_RESULT:
            self.alert(
                game,
                f"peer_result {signer}",
                f"game {game}: reporter {signer} signed {entry.result} (served by {url}) but this node "
                f"signed {own.result}: one of the two reads wrong sources or is compromised",
            )
            return
        log.warning(
            "game %s: peer %s served a signature refused as %s (signer %s)",
            game,
            url,
            check.value,
            signer,
            extra={"game": game, "peer": url, "reason": check.value},
        )

    def observe_peer(self, url: str, error: str | None) -> None:
        self.metrics.peer_up.labels(url).set(error is None)
        if url in self.peer_errors and self.peer_errors[url] == error:
            return
        self.peer_errors[url] = error
        if error is None:
            log.info("peer %s answers", url, extra={"peer": url})
            return
        self.metrics.peer_rejections.labels("unavailable").inc()
        log.warning("peer %s unusable; carrying on without it: %s", url, error, extra={"peer": url})
