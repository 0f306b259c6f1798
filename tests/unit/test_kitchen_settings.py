"""displays.toml: expo's bump, timer colours, bump bars and scanners, with errors that name the file and the key."""

from __future__ import annotations

import pytest

from hub.adapters.kitchen_config import kitchen_settings_from, load_kitchen_settings
from hub.domain.kitchen import KitchenSettings


def test_settings_from_toml_name_the_bad_key():
    settings = kitchen_settings_from({"stations": {"bar": {"yellow_after_s": 120}}, "bump_bars": {"bb-1": "bar"}})
    assert settings.colours_for("bar") == (120, 480) and settings.colours_for("grill") == (300, 480)
    with pytest.raises(ValueError, match="red_after_s"):
        kitchen_settings_from({"red_after_s": "soon"})


def test_no_file_gives_the_defaults(tmp_path):
    assert load_kitchen_settings(tmp_path / "displays.toml") == KitchenSettings()


def test_a_file_sets_expo_colours_bump_bars_and_scanners(tmp_path):
    path = tmp_path / "displays.toml"
    path.write_text('expo_required = false\nred_after_s = 600\n[stations.grill]\nred_after_s = 900\n'
                    '[bump_bars]\n"bumpbar-1" = "grill"\n[scanners]\n"scanner-1" = "pick-a"\n')
    settings = load_kitchen_settings(path)
    assert not settings.expo_required
    assert (settings.colours_for("grill"), settings.colours_for("bar")) == ((300, 900), (300, 600))
    assert (settings.bump_bars, settings.scanners) == ({"bumpbar-1": "grill"}, {"scanner-1": "pick-a"})


@pytest.mark.parametrize(("text", "message"), [
    ("yellow_after_s = 0\n", "yellow_after_s must be a whole number of at least 1, got 0"),
    ('red_after_s = "8m"\n', "red_after_s must be a whole number, got '8m'"),
    ("expo_required = 1\n", "expo_required must be true or false, got 1"),
    ('[stations.bar]\nred_after_s = -5\n', "stations.bar.red_after_s must be a whole number of at least 1, got -5"),
    ("stations = 3\n", "[stations] must be a table"),
    ('[bump_bars]\n"bumpbar-1" = 2\n', "bump_bars.bumpbar-1 must be text, got 2"),
    ("expo_required = \n", "cannot read display settings, it is not valid TOML"),
])
def test_a_bad_value_is_refused_naming_the_file_and_the_key(tmp_path, text, message):
    path = tmp_path / "displays.toml"
    path.write_text(text)
    with pytest.raises(ValueError) as refused:
        load_kitchen_settings(path)
    assert str(refused.value).startswith(f"{path}: ")
    assert message in str(refused.value)
