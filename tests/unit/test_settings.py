"""Settings are read once from ASKVIDEO_* and a wrong value names its variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from entrypoints.settings import Settings, SettingsError


class TestSettingsFromEnv:
    def test_defaults_run_the_embedded_product_on_localhost(self) -> None:
        settings = Settings.from_env({})
        assert (settings.host, settings.port, settings.wiring) == ("127.0.0.1", 8000, "real")
        assert settings.embedded
        assert settings.data_dir.name == "askvideo"
        assert not settings.json_logs

    def test_values_are_converted_from_strings(self) -> None:
        settings = Settings.from_env(
            {"ASKVIDEO_PORT": "9001", "ASKVIDEO_DATA_DIR": "/tmp/x", "ASKVIDEO_WORKERS": "3", "OTHER": "ignored"}
        )
        assert (settings.port, settings.data_dir, settings.workers) == (9001, Path("/tmp/x"), 3)

    def test_a_wrong_type_names_the_variable(self) -> None:
        with pytest.raises(SettingsError, match=r"ASKVIDEO_PORT is invalid: expected `int`"):
            Settings.from_env({"ASKVIDEO_PORT": "eighty"})

    def test_an_out_of_range_value_names_the_variable(self) -> None:
        with pytest.raises(SettingsError, match=r"ASKVIDEO_PORT is invalid: expected `int` <= 65535"):
            Settings.from_env({"ASKVIDEO_PORT": "70000"})

    def test_a_choice_outside_the_allowed_values_names_them(self) -> None:
        with pytest.raises(
            SettingsError, match=r"ASKVIDEO_WIRING is invalid: invalid enum value 'fake'; choose one of: real, memory"
        ):
            Settings.from_env({"ASKVIDEO_WIRING": "fake"})

    def test_a_misspelled_variable_is_refused_with_the_known_ones(self) -> None:
        with pytest.raises(SettingsError, match=r"ASKVIDEO_DATABSE_URL is not a setting .* ASKVIDEO_DATABASE_URL"):
            Settings.from_env({"ASKVIDEO_DATABSE_URL": "postgresql://x"})

    def test_production_requires_real_servers(self) -> None:
        with pytest.raises(
            SettingsError,
            match=(
                "ASKVIDEO_DATABASE_URL, ASKVIDEO_REDIS_URL, ASKVIDEO_SECRET_KEY, ASKVIDEO_SMTP_HOST, "
                "ASKVIDEO_PUBLIC_URL must be set in production"
            ),
        ):
            Settings.from_env({"ASKVIDEO_ENVIRONMENT": "production"})

    def test_production_logs_json(self) -> None:
        settings = Settings.from_env(
            {
                "ASKVIDEO_ENVIRONMENT": "production",
                "ASKVIDEO_DATABASE_URL": "postgresql://db/askvideo",
                "ASKVIDEO_REDIS_URL": "redis://queue:6379/0",
                "ASKVIDEO_SECRET_KEY": "s" * 40,
                "ASKVIDEO_SMTP_HOST": "mail",
                "ASKVIDEO_PUBLIC_URL": "https://videos.example.org",
            }
        )
        assert settings.json_logs
        assert not settings.embedded

    def test_a_database_url_of_another_kind_is_refused(self) -> None:
        with pytest.raises(SettingsError, match=r"ASKVIDEO_DATABASE_URL must be a postgresql:// or postgres:// URL"):
            Settings.from_env({"ASKVIDEO_DATABASE_URL": "mysql://db/x"})

    def test_an_empty_variable_counts_as_unset(self) -> None:
        assert Settings.from_env({"ASKVIDEO_DATABASE_URL": ""}).database_url is None


def test_an_optional_choice_lists_its_values_too() -> None:
    with pytest.raises(SettingsError, match=r"ASKVIDEO_LOG_FORMAT is invalid: .*choose one of: console, json"):
        Settings.from_env({"ASKVIDEO_LOG_FORMAT": "xml"})


def test_a_short_secret_key_is_refused_with_how_to_make_one() -> None:
    with pytest.raises(SettingsError, match=r"ASKVIDEO_SECRET_KEY .* at least 32 characters; generate one with"):
        Settings.from_env({"ASKVIDEO_SECRET_KEY": "short"})


def test_allowed_origins_are_the_public_url_and_the_listed_ones() -> None:
    settings = Settings.from_env(
        {"ASKVIDEO_PUBLIC_URL": "https://v.example.org/app/", "ASKVIDEO_CORS_ORIGINS": "https://a.org, https://b.org/"}
    )
    assert settings.allowed_origins == ("https://v.example.org", "https://a.org", "https://b.org")
    assert Settings.from_env({}).allowed_origins == ("http://127.0.0.1:8000",)


def test_booleans_accept_the_usual_words() -> None:
    assert Settings.from_env({"ASKVIDEO_COOKIE_SECURE": "false"}).cookie_secure is False
    assert Settings.from_env({"ASKVIDEO_COOKIE_SECURE": "1"}).cookie_secure is True
