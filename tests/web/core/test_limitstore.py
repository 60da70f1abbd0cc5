"""The database:// rate-limit store: fixed windows that end, counts that concurrent workers
never lose, and limits that hold across apps (workers) sharing the service's database."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from faqbot.web import create_app
from faqbot.web.core.config import ConfigError
from faqbot.web.core.db import create_db_engine, upgrade
from faqbot.web.core.limitstore import DatabaseStorage

from ..support import make_config


@pytest.fixture
def store(database_url):
    engine = create_db_engine(database_url)
    upgrade(engine)
    yield DatabaseStorage("database://", engine=engine)
    engine.dispose()


def test_a_window_counts_hits_and_starts_again_when_it_ends(store):
    assert [store.incr("k", 1) for _ in range(3)] == [1, 2, 3]
    assert store.get("k") == 3 and store.get("other") == 0
    assert time.time() < store.get_expiry("k") <= time.time() + 1
    time.sleep(1.1)
    assert store.get("k") == 0
    assert store.incr("k", 60, amount=2) == 2
    store.clear("k")
    assert store.get("k") == 0


def test_concurrent_hits_are_all_counted(store):
    def hit(_: int) -> int:
        return store.incr("shared", 60)

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(hit, range(100)))
    assert sorted(counts) == list(range(1, 101))  # every hit saw its own count
    assert store.get("shared") == 100


def test_a_long_key_fits_by_its_digest(store):
    key = "LIMITER/" + "2001:db8::1/" * 40
    assert [store.incr(key, 60), store.incr(key, 60)] == [1, 2]
    assert store.get(key) == 2 and store.get(key[:-1]) == 0
    assert store.check() is True
    assert store.reset() >= 1 and store.get(key) == 0


def test_an_engine_is_required():
    with pytest.raises(ValueError, match="engine"):
        DatabaseStorage("database://")


def test_the_default_store_is_shared_by_every_worker(instance, database_url):
    config = make_config(instance, database_url, RATELIMIT_PUBLIC="3 per minute")
    assert "RATELIMIT_STORAGE_URI" not in config  # the default, as an operator gets it
    first, second = create_app(config), create_app(config)
    try:
        clients = (first.test_client(), second.test_client())
        statuses = [c.get("/api/v1/faqs").status_code for c in (*clients, *clients)]
        assert statuses == [200, 200, 200, 429]
        assert first.test_client().get("/healthz").get_json()["ratelimit_store"] == {"ready": True}
    finally:
        for app in (first, second):
            app.extensions["faqbot.engine"].dispose()


@pytest.mark.sqlite_only
def test_a_strategy_the_store_cannot_count_is_refused_at_start(instance, database_url):
    config = make_config(instance, database_url, RATELIMIT_STRATEGY="moving-window")
    with pytest.raises(ConfigError, match="fixed windows only"):
        create_app(config)
