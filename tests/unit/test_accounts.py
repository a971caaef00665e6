"""Account use cases against in-memory adapters (and the real, pure JWT and Fernet adapters)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from adapters.memory import FakeClock, InMemoryStore, InMemoryUnitOfWork
from adapters.memory.security import FakePasswordHasher, InMemoryMailer, InMemoryRateLimiter
from adapters.security import FernetSecretBox, JwtTokenIssuer, fernet_key
from application.accounts.authenticate import Authenticate, Caller
from application.accounts.change_password import ChangePassword
from application.accounts.delete_account import DeleteAccount
from application.accounts.log_in import EmailNotVerified, LogIn, LogInCommand
from application.accounts.log_out import LogOut
from application.accounts.policy import AccountPolicy, RateRule
from application.accounts.profile import GetProfile, ProfileUpdate, SetOpenAiKey, UpdateProfile
from application.accounts.refresh_session import RefreshCommand, RefreshSession
from application.accounts.request_password_reset import RequestPasswordReset
from application.accounts.resend_verification import EmailLinkRequest, ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.set_video_limit import SetVideoLimit
from application.accounts.sign_up import SignUp, SignUpCommand
from application.accounts.verify_email import VerifyEmail
from domain.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unauthorized

PASSWORD = "correct horse battery"
IP = "203.0.113.7"


@dataclass
class World:
    """Everything a test needs, wired like the container's memory wiring, with a clock the test moves."""

    store: InMemoryStore
    clock: FakeClock
    mailer: InMemoryMailer
    policy: AccountPolicy
    hasher: FakePasswordHasher
    issuer: JwtTokenIssuer
    limiter: InMemoryRateLimiter

    def uow(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self.store)

    def sign_up(self) -> SignUp:
        return SignUp(self.uow(), self.hasher, self.issuer, self.mailer, self.limiter, self.clock, self.policy)

    def log_in(self) -> LogIn:
        return LogIn(self.uow(), self.hasher, self.issuer, self.limiter, self.clock, self.policy)

    def refresh(self) -> RefreshSession:
        return RefreshSession(self.uow(), self.issuer, self.limiter, self.clock, self.policy)

    def authenticate(self) -> Authenticate:
        return Authenticate(self.uow(), self.issuer, self.clock)

    def link_token(self, index: int = -1) -> str:
        match = re.search(r"\?token=(\S+)", self.mailer.sent[index].body)
        assert match, self.mailer.sent[index].body
        return match.group(1)

    async def active_user(self, username: str = "ada", email: str = "ada@example.org") -> Caller:
        await self.sign_up()(SignUpCommand(username=username, email=email, password=PASSWORD, client_ip=IP))
        await VerifyEmail(self.uow(), self.issuer, self.clock)(self.link_token())
        tokens = await self.log_in()(LogInCommand(login=username, password=PASSWORD, client_ip=IP))
        return await self.authenticate()(tokens.access_token)


@pytest.fixture
def world() -> World:
    clock = FakeClock()
    return World(
        store=InMemoryStore(),
        clock=clock,
        mailer=InMemoryMailer(),
        policy=AccountPolicy(public_url="https://videos.example.org"),
        hasher=FakePasswordHasher(),
        issuer=JwtTokenIssuer(b"k" * 32, clock=clock),
        limiter=InMemoryRateLimiter(clock),
    )


def signup(username: str = "ada", email: str = "ada@example.org", password: str = PASSWORD) -> SignUpCommand:
    return SignUpCommand(username=username, email=email, password=password, client_ip=IP)


class TestSignUp:
    async def test_creates_an_inactive_account_and_emails_a_verification_link(self, world: World) -> None:
        user = await world.sign_up()(signup(email="Ada@Example.org"))
        assert not user.is_active
        assert user.email == "ada@example.org"
        assert user.video_limit == 10
        assert user.password_hash != PASSWORD
        message = world.mailer.sent[0]
        assert message.to == "ada@example.org"
        assert "https://videos.example.org/verify-email?token=" in message.body

    async def test_a_taken_username_or_email_is_a_conflict_that_does_not_say_which(self, world: World) -> None:
        await world.sign_up()(signup())
        for duplicate in (signup(email="other@example.org"), signup(username="ADA2", email="ADA@example.org")):
            with pytest.raises(Conflict, match=r"^That username or email address is already registered\.$"):
                await world.sign_up()(duplicate)
        assert len(world.store.users) == 1

    @pytest.mark.parametrize(
        ("command", "message"),
        [
            (signup(username="a"), "A username has 3 to 32 characters"),
            (signup(email="not-an-email"), "does not look like an email"),
            (signup(password="short"), "at least 10 characters"),
            (signup(password="ada@example.org"), "must not be your username or email"),
            (signup(username="longpassword", password="LongPassword"), "must not be your username"),
        ],
    )
    async def test_bad_input_is_refused_with_a_reason_and_nothing_is_stored(
        self, world: World, command: SignUpCommand, message: str
    ) -> None:
        with pytest.raises(InvalidInput, match=message):
            await world.sign_up()(command)
        assert world.store.users == {}
        assert world.mailer.sent == []

    async def test_too_many_sign_ups_from_one_address_are_rate_limited(self, world: World) -> None:
        world.policy = AccountPolicy(signup_per_ip=RateRule(limit=2, window_seconds=60))
        for n in range(2):
            await world.sign_up()(signup(username=f"user{n}", email=f"u{n}@example.org"))
        with pytest.raises(RateLimited) as refused:
            await world.sign_up()(signup(username="user3", email="u3@example.org"))
        assert 0 < refused.value.retry_after <= 60


class TestVerifyEmail:
    async def test_the_link_activates_the_account_once(self, world: World) -> None:
        await world.sign_up()(signup())
        token = world.link_token()
        verify = VerifyEmail(world.uow(), world.issuer, world.clock)
        assert (await verify(token)).is_active
        with pytest.raises(Unauthorized, match="already used"):
            await VerifyEmail(world.uow(), world.issuer, world.clock)(token)

    async def test_an_expired_link_is_refused(self, world: World) -> None:
        await world.sign_up()(signup())
        world.clock.advance(hours=49)
        with pytest.raises(Unauthorized, match="expired"):
            await VerifyEmail(world.uow(), world.issuer, world.clock)(world.link_token())

    async def test_a_tampered_link_is_refused(self, world: World) -> None:
        await world.sign_up()(signup())
        token = world.link_token()
        with pytest.raises(Unauthorized):
            await VerifyEmail(world.uow(), world.issuer, world.clock)(
                token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
            )

    async def test_a_reset_link_cannot_verify(self, world: World) -> None:
        await world.active_user()
        await RequestPasswordReset(world.uow(), world.issuer, world.mailer, world.limiter, world.clock, world.policy)(
            EmailLinkRequest(email="ada@example.org", client_ip=IP)
        )
        with pytest.raises(Unauthorized):
            await VerifyEmail(world.uow(), world.issuer, world.clock)(world.link_token())


class TestResendVerification:
    def resend(self, world: World) -> ResendVerification:
        return ResendVerification(world.uow(), world.issuer, world.mailer, world.limiter, world.clock, world.policy)

    async def test_an_inactive_account_gets_a_new_link_that_works(self, world: World) -> None:
        await world.sign_up()(signup())
        await self.resend(world)(EmailLinkRequest(email="ADA@example.org", client_ip=IP))
        assert len(world.mailer.sent) == 2
        assert (await VerifyEmail(world.uow(), world.issuer, world.clock)(world.link_token())).is_active

    async def test_unknown_and_active_addresses_get_nothing_and_the_same_answer(self, world: World) -> None:
        await world.active_user()
        sent = len(world.mailer.sent)
        assert await self.resend(world)(EmailLinkRequest(email="nobody@example.org", client_ip=IP)) is None
        assert await self.resend(world)(EmailLinkRequest(email="ada@example.org", client_ip=IP)) is None
        assert len(world.mailer.sent) == sent


class TestLogIn:
    async def test_username_or_email_with_the_right_password_opens_a_session(self, world: World) -> None:
        caller = await world.active_user()
        tokens = await world.log_in()(LogInCommand(login="ADA@example.org", password=PASSWORD, client_ip=IP))
        assert tokens.user.id == caller.user.id
        assert tokens.access_expires_at == world.clock.now() + world.policy.access_lifetime
        assert len(world.store.login_sessions) == 2

    async def test_a_wrong_password_and_an_unknown_user_get_the_same_message(self, world: World) -> None:
        await world.active_user()
        for login, password in (("ada", "wrong password!"), ("nobody", PASSWORD)):
            with pytest.raises(Unauthorized, match=r"^Wrong username, email or password\.$"):
                await world.log_in()(LogInCommand(login=login, password=password, client_ip=IP))

    async def test_an_unverified_account_is_told_to_verify_its_email(self, world: World) -> None:
        await world.sign_up()(signup())
        with pytest.raises(EmailNotVerified, match="Verify your email address first"):
            await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))

    async def test_an_unverified_account_with_a_wrong_password_learns_nothing_more(self, world: World) -> None:
        await world.sign_up()(signup())
        with pytest.raises(Unauthorized, match="Wrong username"):
            await world.log_in()(LogInCommand(login="ada", password="wrong password!", client_ip=IP))

    async def test_guessing_one_account_is_rate_limited_per_account(self, world: World) -> None:
        await world.active_user()
        for n in range(world.policy.login_per_account.limit - 1):
            with pytest.raises(Unauthorized):
                await world.log_in()(LogInCommand(login="ada", password=f"guess {n}", client_ip=f"198.51.100.{n}"))
        with pytest.raises(RateLimited, match="Too many attempts"):
            await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip="192.0.2.1"))
        world.clock.advance(seconds=world.policy.login_per_account.window_seconds)
        await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip="192.0.2.1"))

    async def test_a_weakly_hashed_password_is_rehashed_on_login(self, world: World) -> None:
        await world.active_user()
        world.hasher = FakePasswordHasher(scheme="fake-stronger")
        await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        assert next(iter(world.store.users.values())).password_hash.startswith("fake-stronger$")


class TestRefreshSession:
    async def test_rotates_the_refresh_token(self, world: World) -> None:
        await world.active_user()
        first = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        world.clock.advance(minutes=20)
        second = await world.refresh()(RefreshCommand(refresh_token=first.refresh_token, client_ip=IP))
        assert second.refresh_token != first.refresh_token
        # The inactivity window slides with each refresh; the absolute end is tested in tests/security.
        assert second.refresh_expires_at - first.refresh_expires_at == timedelta(minutes=20)
        assert (await world.authenticate()(second.access_token)).session_id == first.session_id

    async def test_a_reused_refresh_token_revokes_the_session(self, world: World) -> None:
        await world.active_user()
        first = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        second = await world.refresh()(RefreshCommand(refresh_token=first.refresh_token, client_ip=IP))
        with pytest.raises(Unauthorized, match="session has ended"):
            await world.refresh()(RefreshCommand(refresh_token=first.refresh_token, client_ip=IP))
        # The thief's replay ended the session for the rightful holder too.
        with pytest.raises(Unauthorized):
            await world.refresh()(RefreshCommand(refresh_token=second.refresh_token, client_ip=IP))
        with pytest.raises(Unauthorized):
            await world.authenticate()(second.access_token)

    async def test_an_access_token_is_not_a_refresh_token(self, world: World) -> None:
        await world.active_user()
        tokens = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        with pytest.raises(Unauthorized):
            await world.refresh()(RefreshCommand(refresh_token=tokens.access_token, client_ip=IP))

    async def test_a_session_past_its_lifetime_cannot_refresh(self, world: World) -> None:
        await world.active_user()
        tokens = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        world.clock.advance(days=31)
        with pytest.raises(Unauthorized):
            await world.refresh()(RefreshCommand(refresh_token=tokens.refresh_token, client_ip=IP))


class TestAuthenticateAndLogOut:
    async def test_an_expired_access_token_is_refused(self, world: World) -> None:
        await world.active_user()
        tokens = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        world.clock.advance(minutes=16)
        with pytest.raises(Unauthorized, match="expired"):
            await world.authenticate()(tokens.access_token)

    async def test_logout_ends_the_session_at_once(self, world: World) -> None:
        caller = await world.active_user()
        tokens = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        mine = await world.authenticate()(tokens.access_token)
        await LogOut(world.uow(), world.clock)(user_id=mine.user.id, session_id=mine.session_id)
        with pytest.raises(Unauthorized, match="session has ended"):
            await world.authenticate()(tokens.access_token)
        with pytest.raises(Unauthorized):
            await world.refresh()(RefreshCommand(refresh_token=tokens.refresh_token, client_ip=IP))
        assert (await GetProfile(world.uow())(caller)).username == "ada"

    async def test_logging_out_someone_elses_session_does_nothing(self, world: World) -> None:
        ada = await world.active_user()
        bob = await world.active_user("bob", "bob@example.org")
        await LogOut(world.uow(), world.clock)(user_id=bob.user.id, session_id=ada.session_id)
        assert world.store.login_sessions[ada.session_id].revoked_at is None


class TestPasswordReset:
    def request(self, world: World) -> RequestPasswordReset:
        return RequestPasswordReset(world.uow(), world.issuer, world.mailer, world.limiter, world.clock, world.policy)

    async def test_a_reset_sets_the_password_once_and_ends_every_session(self, world: World) -> None:
        caller = await world.active_user()
        old = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        await self.request(world)(EmailLinkRequest(email="ada@example.org", client_ip=IP))
        token = world.link_token()
        assert "/reset-password?token=" in world.mailer.sent[-1].body
        reset = ResetPassword(world.uow(), world.hasher, world.issuer, world.clock)
        await reset(token=token, new_password="a new long secret")
        for access in (old.access_token,):
            with pytest.raises(Unauthorized):
                await world.authenticate()(access)
        assert world.store.login_sessions[caller.session_id].revoked_at is not None
        with pytest.raises(Unauthorized, match="already used"):
            await reset(token=token, new_password="another long one")
        with pytest.raises(Unauthorized, match="Wrong"):
            await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        await world.log_in()(LogInCommand(login="ada", password="a new long secret", client_ip=IP))

    async def test_unknown_addresses_get_the_same_answer_and_no_email(self, world: World) -> None:
        assert await self.request(world)(EmailLinkRequest(email="nobody@example.org", client_ip=IP)) is None
        assert world.mailer.sent == []

    async def test_a_weak_new_password_keeps_the_link_usable(self, world: World) -> None:
        await world.active_user()
        await self.request(world)(EmailLinkRequest(email="ada@example.org", client_ip=IP))
        reset = ResetPassword(world.uow(), world.hasher, world.issuer, world.clock)
        with pytest.raises(InvalidInput):
            await reset(token=world.link_token(), new_password="short")
        await reset(token=world.link_token(), new_password="a much better one")

    async def test_an_expired_reset_link_is_refused(self, world: World) -> None:
        await world.active_user()
        await self.request(world)(EmailLinkRequest(email="ada@example.org", client_ip=IP))
        world.clock.advance(minutes=61)
        with pytest.raises(Unauthorized, match="expired"):
            await ResetPassword(world.uow(), world.hasher, world.issuer, world.clock)(
                token=world.link_token(), new_password="a new long secret"
            )


class TestProfile:
    async def test_change_password_needs_the_current_one_and_keeps_this_session(self, world: World) -> None:
        caller = await world.active_user()
        other = await world.log_in()(LogInCommand(login="ada", password=PASSWORD, client_ip=IP))
        change = ChangePassword(world.uow(), world.hasher, world.clock)
        with pytest.raises(Forbidden, match="current password is not right"):
            await change(caller, current_password="wrong one!!", new_password="a new long secret")
        await change(caller, current_password=PASSWORD, new_password="a new long secret")
        with pytest.raises(Unauthorized):
            await world.authenticate()(other.access_token)
        assert world.store.login_sessions[caller.session_id].revoked_at is None

    async def test_the_openai_key_is_stored_encrypted_and_shown_by_its_last_4(self, world: World) -> None:
        caller = await world.active_user()
        box = FernetSecretBox([fernet_key("s" * 40, "test")])
        key = "sk-proj-abcdefghijklmnopqrstuvwxyz1234"
        user = await SetOpenAiKey(world.uow(), box)(caller, key)
        assert (user.has_openai_key, user.openai_key_last4) == (True, "1234")
        stored = world.store.users[caller.user.id].openai_key_ciphertext
        assert stored is not None
        assert key.encode() not in stored
        assert box.decrypt(stored) == key
        cleared = await SetOpenAiKey(world.uow(), box)(caller, None)
        assert (cleared.has_openai_key, cleared.openai_key_last4) == (False, None)

    async def test_a_malformed_openai_key_is_refused(self, world: World) -> None:
        caller = await world.active_user()
        with pytest.raises(InvalidInput, match="OpenAI API key"):
            await SetOpenAiKey(world.uow(), FernetSecretBox([fernet_key("s" * 40, "t")]))(caller, "sk-short")

    async def test_rename_to_a_taken_username_is_a_conflict(self, world: World) -> None:
        caller = await world.active_user()
        await world.active_user("bob", "bob@example.org")
        with pytest.raises(Conflict):
            await UpdateProfile(world.uow())(caller, ProfileUpdate(username="BOB"))
        assert (await UpdateProfile(world.uow())(caller, ProfileUpdate(username="ada_l"))).username == "ada_l"

    async def test_delete_account_needs_the_password_then_removes_everything(self, world: World) -> None:
        caller = await world.active_user()
        erased: list[object] = []

        class Eraser:
            async def erase_user_data(self, user_id: object) -> None:
                erased.append(user_id)

        delete = DeleteAccount(world.uow(), world.hasher, [Eraser()])
        with pytest.raises(Forbidden):
            await delete(caller, password="wrong password!")
        assert caller.user.id in world.store.users
        await delete(caller, password=PASSWORD)
        assert erased == [caller.user.id]
        assert world.store.users == {}
        assert world.store.login_sessions == {}
        assert world.store.one_time_tokens == {}

    async def test_an_admin_sets_a_video_limit(self, world: World) -> None:
        await world.active_user()
        assert (await SetVideoLimit(world.uow())(login="ada@example.org", limit=25)).video_limit == 25
        with pytest.raises(NotFound):
            await SetVideoLimit(world.uow())(login="nobody", limit=5)
        with pytest.raises(InvalidInput):
            await SetVideoLimit(world.uow())(login="ada", limit=-1)
