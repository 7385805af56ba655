"""Loading the watchlist: placeholders, validation, coverage of the fixture sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawlers.sitegen import SOURCES
from crawlers.watchlist import load_watchlist
from pipeline.errors import ConfigurationError
from tests.crawlers.conftest import WATCHLIST


def test_fixture_watchlist_covers_every_generated_source() -> None:
    sources = load_watchlist(WATCHLIST, "http://127.0.0.1:9/")
    good = {(s.platform, s.source_id) for s in sources if "misbehaving" not in s.tags}
    assert good == {(s.platform, s.source_id) for s in SOURCES}
    assert all(s.start_url.startswith("http://127.0.0.1:9/") for s in sources)
    assert not any("{base_url}" in s.start_url or "//s/" in s.start_url for s in sources)


@pytest.mark.parametrize(("body", "message"), [
    ('[[sources]]\nplatform = "myspace"\nsource_id = "x"\nstart_url = "{base_url}/x"\n',
     "platform"),
    ('[[sources]]\nplatform = "telegram"\nsource_id = "x"\nstart_url = "{base_url}/x"\n'
     'colour = "red"\n', "colour"),
    ('[[sources]]\nplatform = "telegram"\nsource_id = "x"\nstart_url = "{base_url}/x"\n' * 2,
     "duplicate"),
    ('sources = [\n', "cannot read"),
    ('[[source]]\nplatform = "telegram"\n', "unknown top-level"),
])
def test_bad_watchlists_are_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "watchlist.toml"
    path.write_text(body)
    with pytest.raises(ConfigurationError, match=message):
        load_watchlist(path, "http://127.0.0.1:9")
