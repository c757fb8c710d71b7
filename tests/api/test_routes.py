"""REST routes against the seeded databases (SQLite and PostgreSQL)."""

import pytest
from fastapi.testclient import TestClient

from scripts.history import MARKETS
from tests.api.conftest import LIVE_GAME, ApiChain

pytestmark = pytest.mark.integration


def test_default_behavior(client: TestClient, api_chain: ApiChain) -> None:
    page = client.get("/games", params={"limit": 4}).json()
    assert [g["game"] for g in page["items"]] == [101, 102, 103, 104]
    assert page["page_info"]["has_next_page"]
    rest = client.get("/games", params={"cursor": page["page_info"]["end_cursor"]}).json()
    assert [g["game"] for g in rest["items"]] == [105, 106]
    assert rest["page_info"] == {"end_cursor": None, "has_next_page": False}
    states = {g["game"]: g["state"] for g in page["items"] + rest["items"]}
    assert states == {101: "final", 102: "void", 103: "final", 104: "live", 105: "final", 106: "void"}


def test_game_detail_carries_markets_and_quotes(client: TestClient, api_chain: ApiChain) -> None:
    game = client.get(f"/games/{LIVE_GAME}").json()
    assert len(game["markets"]) == len(MARKETS[LIVE_GAME])
    assert [q["market"] for q in game["quotes"]] == [
        LIVE_GAME << 8 | i for i in range(len(MARKETS[LIVE_GAME]))
    ]
    assert all(q["quote"]["epoch"] == api_chain.live_epoch for q in game["quotes"])


def test_bets_match_the_history(client: TestClient, api_chain: ApiChain) -> None:
    for bet in api_chain.history.bets[::7]:
        body = client.get(f"/bets/{bet.bet_id}").json()
        status, grade, due = api_chain.history.get_expected(bet)
        assert body["status"] in ({status} if status != "included" else {"included", "confirmed"})
        assert (body["bettor"], body["stake"], body["market"]) == (bet.bettor, str(bet.stake), bet.market)
        if grade is None:
            assert body["settlement"] is None
        else:
            assert (body["settlement"]["grade"], body["settlement"]["amount_due"]) == (grade, str(due))
            assert body["settlement"]["final"]["tx"].startswith("0x")


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/games/999", 404, "game not found"),
        (
            "/markets/1/quote",
            404,
            "no current quote for this market: it is suspended, closed or not priced yet",
        ),
        ("/bets/0x" + "00" * 32, 404, "bet not found"),
        ("/bets/0x12", 400, "invalid hash: expected 0x and 64 hex digits"),
        ("/games?cursor=garbage!", 400, "invalid cursor: pass back the end_cursor of the previous page"),
        (
            "/accounts/0x" + "11" * 20,
            401,
            "sign in first: send Authorization: Bearer <token> from POST /auth/verify",
        ),
    ],
)
def test_clear_errors(client: TestClient, path: str, status: int, detail: str) -> None:
    response = client.get(path)
    assert (response.status_code, response.json()) == (status, {"detail": detail})


def test_vault_and_stats(client: TestClient, api_chain: ApiChain) -> None:
    vault = client.get("/vault").json()
    assert int(vault["total_assets"]) > 0 and vault["lp_count"] == 2
    stats = client.get("/stats").json()
    assert stats["bet_count"] == len(api_chain.history.bets)
    assert int(stats["volume"]) == sum(b.stake for b in api_chain.history.bets)
    games = client.get("/stats/games").json()["items"]
    assert {g["game"] for g in games} == set(MARKETS)
    days = client.get("/stats/days", params={"limit": 200}).json()["items"]  # the history spans days
    assert sum(d["bet_count"] for d in days) == len(api_chain.history.bets)
    history = client.get("/vault/history", params={"limit": 2}).json()
    assert len(history["items"]) == 2 and history["page_info"]["has_next_page"]
