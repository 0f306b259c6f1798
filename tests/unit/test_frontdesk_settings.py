"""frontdesk.toml: the kiosks' and counters' settings, with defaults, and errors that name the key."""

from __future__ import annotations

import pytest

from hub.adapters.frontdesk_config import load_frontdesk_settings
from hub.domain.frontdesk_settings import FrontdeskSettings


def test_no_file_gives_the_defaults(tmp_path):
    settings = load_frontdesk_settings(tmp_path / "frontdesk.toml")
    assert settings == FrontdeskSettings()
    assert (settings.pay_at_counter, settings.remote_orders, settings.languages) == ("hold", "auto", ("en", "de"))


def test_a_file_sets_kiosk_and_counter_keys(tmp_path):
    path = tmp_path / "frontdesk.toml"
    path.write_text('[kiosk]\nidle_s = 30\npay_at_counter = "off"\nlanguages = ["de", "en"]\n'
                    '[counter]\ndiscount_limit_percent = 0\nremote_orders = "confirm"\nreceipt_url = "https://cafe.example/"\n')
    settings = load_frontdesk_settings(path)
    assert (settings.idle_s, settings.pay_at_counter, settings.languages, settings.default_language) == (30, "off", ("de", "en"), "de")
    assert (settings.discount_limit_percent, settings.remote_orders, settings.receipt_url) == (0, "confirm", "https://cafe.example")


@pytest.mark.parametrize(("text", "message"), [
    ("[kiosk]\nidle_s = 0\n", "kiosk.idle_s must be a whole number of at least 1, got 0"),
    ("[kiosk]\nidle_s = true\n", "kiosk.idle_s must be a whole number"),
    ('[kiosk]\npay_at_counter = "maybe"\n', "kiosk.pay_at_counter must be one of off, hold, release, got 'maybe'"),
    ('[kiosk]\nlanguages = ["en", "fr"]\n', "kiosk.languages must list some of en, de"),
    ('[kiosk]\ndefault_language = "de"\nlanguages = ["en"]\n', "kiosk.default_language must be one of kiosk.languages"),
    ('[counter]\nremote_orders = "never"\n', "counter.remote_orders must be one of auto, confirm"),
    ('[counter]\nreceipt_url = "cafe.example"\n', "counter.receipt_url must start with http:// or https://"),
    ("[kiosk]\nidle_secs = 5\n", "unknown setting kiosk.idle_secs"),
    ("kiosk = 3\n", "[kiosk] must be a table"),
    ("[kiosk\n", "cannot read front-desk settings"),
])
def test_a_bad_value_is_refused_naming_the_key(tmp_path, text, message):
    path = tmp_path / "frontdesk.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match="frontdesk.toml") as refused:
        load_frontdesk_settings(path)
    assert message in str(refused.value)
