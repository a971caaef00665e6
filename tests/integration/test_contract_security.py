"""Contract: real and in-memory security adapters (password hasher, mailer, rate limiter) behave alike."""

from __future__ import annotations

import asyncio
import email.policy
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from email.parser import BytesParser
from pathlib import Path

import pytest
import structlog
from aiosmtpd.controller import Controller

from adapters.mail import OutboxMailer, SmtpMailer
from adapters.memory import FakeClock
from adapters.memory.security import FakePasswordHasher, InMemoryMailer, InMemoryRateLimiter
from adapters.redis import RedisRateLimiter
from adapters.security import Argon2PasswordHasher
from application.ports.security import Mailer, PasswordHasher, RateLimiter
from domain.accounts import EmailMessage
from domain.errors import Unavailable
from tests.integration.conftest import free_port

SENDER = "Ask Video <noreply@askvideo.test>"
GREETING = EmailMessage(
    to="newcomer@example.com",
    subject="Confirm your email — 確認",
    body="Welcome to Ask Video! 動画 に質問できます。\nConfirm here: https://askvideo.test/verify?token=abc123.\n",
)


@dataclass(frozen=True)
class Received:
    """What a recipient sees of a message."""

    to: str
    subject: str
    body: str


class TestPasswordHasherContract:
    @pytest.fixture(params=["fake", "argon2"])
    def hasher(self, request: pytest.FixtureRequest) -> PasswordHasher:
        if request.param == "fake":
            return FakePasswordHasher()
        return Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

    async def test_a_hash_verifies_its_password_only(self, hasher: PasswordHasher) -> None:
        hashed = await hasher.hash("correct horse battery")
        assert "correct horse battery" not in hashed
        assert await hasher.verify(hashed, "correct horse battery")
        assert not await hasher.verify(hashed, "correct horse batterY")
        assert not hasher.needs_rehash(hashed)

    async def test_a_malformed_hash_is_false_and_needs_rehash(self, hasher: PasswordHasher) -> None:
        assert await hasher.verify("garbage", "correct horse battery") is False
        assert hasher.needs_rehash("garbage")

    async def test_the_fake_flags_hashes_of_an_older_scheme_for_rehash(self) -> None:
        old = await FakePasswordHasher("fake-old").hash("correct horse battery")
        current = FakePasswordHasher()
        assert await current.verify(old, "correct horse battery")
        assert current.needs_rehash(old)


class CollectingHandler:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(envelope.content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[CollectingHandler, int]]:
    handler = CollectingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def parse(raw: bytes) -> email.message.EmailMessage:
    return BytesParser(policy=email.policy.default).parsebytes(raw)


def file_names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def received_from_mime(raw: bytes) -> Received:
    parsed = parse(raw)
    return Received(to=parsed["To"], subject=parsed["Subject"], body=parsed.get_content())


@pytest.fixture(params=["memory", "smtp"])
def mailer_pair(request: pytest.FixtureRequest) -> tuple[Mailer, Callable[[], list[Received]], Mailer]:
    """(a working mailer, what its recipients got, a mailer whose server is down)."""
    if request.param == "memory":
        working, broken = InMemoryMailer(), InMemoryMailer()
        broken.down = True
        return working, lambda: [Received(m.to, m.subject, m.body) for m in working.sent], broken
    handler, port = request.getfixturevalue("smtp_server")
    working_smtp = SmtpMailer("127.0.0.1", port, security="none", sender=SENDER, timeout=5)
    nobody_listens = SmtpMailer("127.0.0.1", free_port(), security="none", sender=SENDER, timeout=2)
    return working_smtp, lambda: [received_from_mime(raw) for raw in handler.messages], nobody_listens


class TestMailerContract:
    async def test_recipient_subject_and_utf8_body_arrive_intact(self, mailer_pair) -> None:
        mailer, received, _ = mailer_pair
        await mailer.send(GREETING)
        [got] = received()
        assert got.to == GREETING.to
        assert got.subject == GREETING.subject
        assert "動画" in got.body
        assert got.body.replace("\r\n", "\n") == GREETING.body

    async def test_messages_arrive_in_sending_order(self, mailer_pair) -> None:
        mailer, received, _ = mailer_pair
        for number in range(3):
            await mailer.send(EmailMessage(to=f"user{number}@example.com", subject=f"n{number}", body="hi"))
        assert [got.subject for got in received()] == ["n0", "n1", "n2"]

    async def test_a_server_that_is_down_is_reported_as_unavailable(self, mailer_pair) -> None:
        _, _, broken = mailer_pair
        with pytest.raises(Unavailable, match="mail server cannot be reached"):
            await broken.send(GREETING)


class TestSmtpMailer:
    async def test_the_message_has_from_date_and_message_id(self, smtp_server) -> None:
        handler, port = smtp_server
        await SmtpMailer("127.0.0.1", port, security="none", sender=SENDER).send(GREETING)
        parsed = parse(handler.messages[0])
        assert parsed["From"] == SENDER
        assert parsed["Date"].datetime is not None
        assert parsed["Message-ID"].endswith("@askvideo.test>")
        assert parsed.get_content_type() == "text/plain"
        assert parsed.get_content_charset() == "utf-8"

    async def test_starttls_against_a_server_without_it_is_unavailable_not_plaintext(self, smtp_server) -> None:
        handler, port = smtp_server
        with pytest.raises(Unavailable):
            await SmtpMailer("127.0.0.1", port, security="starttls", sender=SENDER, timeout=5).send(GREETING)
        assert handler.messages == []

    async def test_implicit_tls_against_a_plain_server_is_unavailable(self, smtp_server) -> None:
        handler, port = smtp_server
        with pytest.raises(Unavailable):
            await SmtpMailer("127.0.0.1", port, security="tls", sender=SENDER, timeout=5).send(GREETING)
        assert handler.messages == []

    def test_an_unknown_security_mode_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="none, starttls or tls"):
            SmtpMailer("127.0.0.1", 25, security="ssl", sender=SENDER)  # type: ignore[arg-type]


class TestOutboxMailer:
    async def test_each_message_is_a_parseable_eml_file(self, tmp_path: Path) -> None:
        outbox = tmp_path / "outbox"
        await OutboxMailer(outbox).send(GREETING)
        [file] = list(outbox.iterdir())
        assert file.suffix == ".eml"
        parsed = parse(file.read_bytes())
        assert (parsed["To"], parsed["Subject"]) == (GREETING.to, GREETING.subject)
        assert parsed.get_content().replace("\r\n", "\n") == GREETING.body
        assert parsed["From"] == "Ask Video <noreply@localhost>"
        assert parsed["Date"].datetime is not None
        assert parsed["Message-ID"]

    async def test_several_messages_make_several_files_and_no_temporary_leftovers(self, tmp_path: Path) -> None:
        mailer = OutboxMailer(tmp_path)
        await asyncio.gather(*(mailer.send(GREETING) for _ in range(5)))
        names = file_names(tmp_path)
        assert len(names) == 5
        assert all(name.endswith(".eml") and not name.startswith(".") for name in names)

    async def test_the_log_line_names_recipient_subject_and_clickable_links(self, tmp_path: Path) -> None:
        message = EmailMessage(
            to="newcomer@example.com",
            subject="Reset your password",
            body="Reset (https://askvideo.test/reset?token=r1), or verify: http://localhost:8000/verify?token=v2.\n",
        )
        with structlog.testing.capture_logs() as logs:
            await OutboxMailer(tmp_path).send(message)
        [line] = [entry for entry in logs if entry["event"] == "mail.saved"]
        assert line["log_level"] == "info"
        assert (line["to"], line["subject"]) == ("newcomer@example.com", "Reset your password")
        assert line["links"] == ["https://askvideo.test/reset?token=r1", "http://localhost:8000/verify?token=v2"]
        assert Path(line["file"]).parent == tmp_path

    async def test_a_folder_that_cannot_be_written_is_unavailable(self, tmp_path: Path) -> None:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the outbox folder should be")
        with pytest.raises(Unavailable, match="outbox"):
            await OutboxMailer(blocker).send(GREETING)


@dataclass
class LimiterCase:
    limiter: RateLimiter
    pass_window: Callable[[int], Awaitable[None]]
    broken: RateLimiter


@pytest.fixture(params=["memory", "redis"])
async def limiter_case(request: pytest.FixtureRequest) -> AsyncIterator[LimiterCase]:
    """A working limiter, a way to let `n` seconds pass for it, and a limiter whose store is down."""
    if request.param == "memory":
        clock = FakeClock()
        broken = InMemoryRateLimiter(clock)
        broken.down = True

        async def advance(seconds: int) -> None:
            clock.advance(seconds=seconds)

        yield LimiterCase(InMemoryRateLimiter(clock), advance, broken)
        return

    async def sleep(seconds: int) -> None:
        await asyncio.sleep(seconds + 0.1)

    # A fresh prefix per test: no flushing, no leftovers from other tests.
    limiter = RedisRateLimiter(request.getfixturevalue("redis_url"), prefix=f"test:{uuid.uuid4().hex}:")
    dead = RedisRateLimiter("unix:///nonexistent/redis.sock")
    yield LimiterCase(limiter, sleep, dead)
    await limiter.close()
    await dead.close()


class TestRateLimiterContract:
    async def test_attempts_within_the_limit_pass(self, limiter_case: LimiterCase) -> None:
        results = [await limiter_case.limiter.hit("login:ann", limit=3, window_seconds=60) for _ in range(3)]
        assert results == [None, None, None]

    async def test_an_attempt_over_the_limit_gets_the_seconds_left(self, limiter_case: LimiterCase) -> None:
        for _ in range(3):
            await limiter_case.limiter.hit("login:ann", limit=3, window_seconds=60)
        retry_after = await limiter_case.limiter.hit("login:ann", limit=3, window_seconds=60)
        assert retry_after is not None
        assert 1 <= retry_after <= 60
        assert await limiter_case.limiter.hit("login:ann", limit=3, window_seconds=60) is not None

    async def test_separate_keys_count_separately(self, limiter_case: LimiterCase) -> None:
        await limiter_case.limiter.hit("login:ann", limit=1, window_seconds=60)
        assert await limiter_case.limiter.hit("login:ann", limit=1, window_seconds=60) is not None
        assert await limiter_case.limiter.hit("login:bob", limit=1, window_seconds=60) is None
        assert await limiter_case.limiter.hit("signup:ann", limit=1, window_seconds=60) is None

    async def test_the_count_resets_when_the_window_has_passed(self, limiter_case: LimiterCase) -> None:
        await limiter_case.limiter.hit("login:ann", limit=1, window_seconds=1)
        assert await limiter_case.limiter.hit("login:ann", limit=1, window_seconds=1) == 1
        await limiter_case.pass_window(1)
        assert await limiter_case.limiter.hit("login:ann", limit=1, window_seconds=1) is None

    async def test_a_nonsensical_limit_is_a_programming_error(self, limiter_case: LimiterCase) -> None:
        with pytest.raises(ValueError, match="limit >= 1"):
            await limiter_case.limiter.hit("login:ann", limit=0, window_seconds=60)

    async def test_a_store_that_is_down_is_reported_as_unavailable(self, limiter_case: LimiterCase) -> None:
        with pytest.raises(Unavailable, match="rate limit store cannot be reached"):
            await limiter_case.broken.hit("login:ann", limit=3, window_seconds=60)


class TestInMemoryRateLimiter:
    async def test_the_seconds_left_follow_the_clock(self) -> None:
        clock = FakeClock()
        limiter = InMemoryRateLimiter(clock)
        await limiter.hit("k", limit=1, window_seconds=60)
        clock.advance(seconds=20.5)
        assert await limiter.hit("k", limit=1, window_seconds=60) == 40
        clock.advance(seconds=39.4)
        assert await limiter.hit("k", limit=1, window_seconds=60) == 1
