"""The pricer's settings: the shipped example loads with the defaults it claims; bad values name the field."""

from pathlib import Path

import pytest

from oracle.config import GWEI, load_settings
from oracle.exceptions import ConfigError
from oracle.pricing.__main__ import build_prune_policy
from oracle.pricing.config import PricerSettings, Settings
from oracle.pricing.publish import PrunePolicy

pytestmark = pytest.mark.unit

EXAMPLE = Path(__file__).resolve().parents[3] / "oracle" / "pricing" / "examples" / "pricer.toml"


def test_default_behavior(monkeypatch: pytest.MonkeyPatch) -> None:
    """The example shows the defaults; the prune policy they build is the pricer's default one."""
    settings = load_settings(Settings, EXAMPLE)
    assert settings.pricer == PricerSettings()
    assert settings.chain.keystore == EXAMPLE.parent / "keys" / "pricer.json"
    assert settings.pricer.suspend_tip == 5 * GWEI > settings.chain.max_priority_fee
    assert build_prune_policy(settings.pricer) == PrunePolicy()
    monkeypatch.setenv("ORACLE_PRICER__SUSPEND_PRIORITY_FEE_GWEI", "7.5")
    monkeypatch.setenv("ORACLE_PRICER__QUOTE_RETENTION", "3600")
    settings = load_settings(Settings, EXAMPLE)
    assert settings.pricer.suspend_tip == 7_500_000_000
    assert build_prune_policy(settings.pricer).retention == 3_600


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("prune_interval", "0"),
        ("prune_expiry_margin", "-1"),
        ("quote_retention", "5"),
        ("prune_batch_size", "0"),
        ("prune_batch_size", "many"),
        ("suspend_priority_fee_gwei", "-0.1"),
    ],
)
def test_bad_values_name_the_field(field: str, value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(f"ORACLE_PRICER__{field.upper()}", value)
    with pytest.raises(ConfigError, match=rf"pricer\.{field}: "):
        load_settings(Settings, EXAMPLE)
