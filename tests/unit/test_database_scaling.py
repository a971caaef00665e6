"""Replica and pool settings, and which use cases the container gives the read-only unit of work (no database:
engines are built, never connected)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from entrypoints.container import build_container
from entrypoints.settings import Settings, SettingsError

PRIMARY = "postgresql://app:pw@primary:5432/askvideo"
REPLICA = "postgresql://app:pw@replica:5432/askvideo"
ENV = {"ASKVIDEO_DATABASE_URL": PRIMARY, "ASKVIDEO_REDIS_URL": "redis://redis:6379/0"}


def real_settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(database_url=PRIMARY, redis_url="redis://redis:6379/0", data_dir=tmp_path, **values)


class TestSettings:
    def test_pool_replica_and_prepared_statements_come_from_the_environment(self) -> None:
        settings = Settings.from_env(
            {
                **ENV,
                "ASKVIDEO_DATABASE_REPLICA_URL": REPLICA,
                "ASKVIDEO_DB_POOL_SIZE": "20",
                "ASKVIDEO_DB_MAX_OVERFLOW": "0",
                "ASKVIDEO_DB_PREPARED_STATEMENTS": "false",
            }
        )
        assert (settings.database_replica_url, settings.db_pool_size, settings.db_max_overflow) == (REPLICA, 20, 0)
        assert settings.db_prepared_statements is False

    def test_a_replica_without_a_primary_is_refused(self) -> None:
        with pytest.raises(SettingsError, match="ASKVIDEO_DATABASE_REPLICA_URL needs ASKVIDEO_DATABASE_URL"):
            Settings.from_env({"ASKVIDEO_DATABASE_REPLICA_URL": REPLICA})

    def test_a_replica_url_of_another_kind_is_refused(self) -> None:
        with pytest.raises(SettingsError, match="ASKVIDEO_DATABASE_REPLICA_URL must be a postgresql://"):
            Settings.from_env({**ENV, "ASKVIDEO_DATABASE_REPLICA_URL": "mysql://replica/askvideo"})

    def test_a_negative_overflow_is_refused(self) -> None:
        with pytest.raises(SettingsError, match="ASKVIDEO_DB_MAX_OVERFLOW"):
            Settings.from_env({**ENV, "ASKVIDEO_DB_MAX_OVERFLOW": "-1"})


class TestWiring:
    def test_read_only_use_cases_and_scene_search_read_the_replica(self, tmp_path: Path) -> None:
        gateways = build_container(real_settings(tmp_path, database_replica_url=REPLICA)).gateways
        reader = gateways.reader_session_factory()
        primary = gateways.session_factory()
        assert reader.kw["bind"].url.host == "replica"
        assert primary.kw["bind"].url.host == "primary"
        assert gateways.read_uow()._session_factory is reader
        assert gateways.uow()._session_factory is primary
        assert gateways.search()._sessions is reader

    def test_without_a_replica_everything_uses_the_primary_pool(self, tmp_path: Path) -> None:
        gateways = build_container(real_settings(tmp_path)).gateways
        assert gateways.reader_session_factory() is gateways.session_factory()
        assert gateways.replica_engine() is None

    def test_each_pool_is_sized_from_the_settings(self, tmp_path: Path) -> None:
        settings = real_settings(tmp_path, database_replica_url=REPLICA, db_pool_size=7, db_max_overflow=3)
        gateways = build_container(settings).gateways
        for engine in (gateways.engine(), gateways.replica_engine()):
            assert (engine.pool.size(), engine.pool._max_overflow) == (7, 3)
            assert engine.pool._pre_ping is True

    @pytest.mark.parametrize(("prepared", "threshold"), [(False, None), (True, "unset")])
    async def test_prepared_statements_can_be_turned_off_for_pgbouncer(
        self, tmp_path: Path, *, prepared: bool, threshold: object
    ) -> None:
        engine = build_container(real_settings(tmp_path, db_prepared_statements=prepared)).gateways.engine()
        seen: dict[str, object] = {}

        @event.listens_for(engine.sync_engine, "do_connect")
        def capture(dialect: object, record: object, cargs: object, cparams: dict[str, object]) -> None:
            seen.update(cparams)
            raise ConnectionAbortedError  # the arguments are all this test needs: no database is dialled

        with pytest.raises(ConnectionAbortedError):
            await engine.connect().start()
        assert seen.get("prepare_threshold", "unset") == threshold
