"""Accounts over HTTP: sign-up, email verification, login sessions, password reset, the caller's profile."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody

from application.accounts.authenticate import Caller
from application.accounts.change_password import ChangePassword
from application.accounts.delete_account import DeleteAccount
from application.accounts.log_in import LogIn, LogInCommand
from application.accounts.log_out import LogOut
from application.accounts.profile import GetProfile, ProfileUpdate, SetOpenAiKey, UpdateProfile
from application.accounts.refresh_session import RefreshCommand, RefreshSession
from application.accounts.request_password_reset import RequestPasswordReset
from application.accounts.resend_verification import EmailLinkRequest, ResendVerification
from application.accounts.reset_password import ResetPassword
from application.accounts.sessions import SessionTokens
from application.accounts.sign_up import SignUp, SignUpCommand
from application.accounts.verify_email import VerifyEmail
from domain.accounts import User
from domain.errors import Unauthorized
from entrypoints.http.audit import audit
from entrypoints.http.auth import (
    NEVER_BY_KEY,
    REFRESH_COOKIE,
    CookiePolicy,
    clear_session_cookies,
    client_ip,
    set_session_cookies,
)
from entrypoints.http.schemas import Schema

Text = Annotated[str, msgspec.Meta(max_length=512)]
Secret = Annotated[str, msgspec.Meta(max_length=1024)]


class UserBody(Schema):
    """The caller's account as they may see it: never the password hash or the OpenAI key itself."""

    id: UUID
    username: str
    email: str
    is_active: bool
    video_limit: int
    has_openai_key: bool
    openai_key_last4: str | None
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> UserBody:
        """Build from the domain user."""
        return cls(
            id=user.id,
            username=user.username,
            email=user.email,
            is_active=user.is_active,
            video_limit=user.video_limit,
            has_openai_key=user.has_openai_key,
            openai_key_last4=user.openai_key_last4,
            created_at=user.created_at,
        )


class SignUpBody(Schema):
    """The sign-up form."""

    username: Text
    email: Text
    password: Secret


class SignedUp(Schema):
    """What happens next."""

    detail: str
    user: UserBody


class TokenBody(Schema):
    """A token from an emailed link."""

    token: Secret


class EmailBody(Schema):
    """An email address."""

    email: Text


class Accepted(Schema):
    """A request was taken; `detail` says what the person should expect."""

    detail: str


class LogInBody(Schema):
    """Credentials. `tokenDelivery: body` returns the tokens in the response for API clients, instead of cookies."""

    login: Text
    password: Secret
    token_delivery: Literal["cookie", "body"] = "cookie"  # noqa: S105 - a delivery mode


class RefreshBody(Schema):
    """For API clients: the refresh token (browsers send the cookie instead)."""

    refresh_token: Secret | None = None
    token_delivery: Literal["cookie", "body"] = "cookie"  # noqa: S105 - a delivery mode


class SessionBody(Schema):
    """A logged-in session. The tokens are present only with `tokenDelivery: body`."""

    user: UserBody
    access_expires_at: datetime
    refresh_expires_at: datetime
    access_token: str | None = None
    refresh_token: str | None = None


class ResetPasswordBody(Schema):
    """The reset form."""

    token: Secret
    new_password: Secret


class ChangePasswordBody(Schema):
    """The change-password form."""

    current_password: Secret
    new_password: Secret


class ProfileBody(Schema):
    """Profile fields to change; missing ones stay."""

    username: Text | None = None


class OpenAiKeyBody(Schema):
    """A personal OpenAI API key; it is stored encrypted and never shown again."""

    api_key: Secret


class PasswordBody(Schema):
    """A password confirming a dangerous action."""

    password: Secret


def _session_response(
    tokens: SessionTokens, delivery: str, cookies: CookiePolicy, status_code: int = 200
) -> Response[SessionBody]:
    body = SessionBody(
        user=UserBody.of(tokens.user),
        access_expires_at=tokens.access_expires_at,
        refresh_expires_at=tokens.refresh_expires_at,
    )
    if delivery == "body":
        body.access_token, body.refresh_token = tokens.access_token, tokens.refresh_token
        return Response(body, status_code=status_code)
    response = Response(body, status_code=status_code)
    set_session_cookies(response, tokens, secrets.token_urlsafe(32), cookies)
    return response


LINK_SENT = "If that address belongs to an account that needs it, an email with a link is on its way."


class AuthController(Controller):
    """Public account endpoints: no login needed (rate limited per IP and per account)."""

    path = "/api/auth"
    tags = ["auth"]  # noqa: RUF012 - Litestar reads a list
    opt = NEVER_BY_KEY

    @post("/signup", operation_id="signUp", status_code=201, summary="Create an account")
    async def sign_up(self, data: JSONBody[SignUpBody], request: Request, sign_up: NamedDependency[SignUp]) -> SignedUp:
        """Create an inactive account and email a verification link (409 if the username or email is taken)."""
        user = await sign_up(
            SignUpCommand(
                username=data.username, email=data.email, password=data.password, client_ip=client_ip(request)
            )
        )
        return SignedUp(detail="Check your email for a link to verify your address.", user=UserBody.of(user))

    @post("/verify-email", operation_id="verifyEmail", status_code=200, summary="Verify an email address")
    async def verify_email(self, data: JSONBody[TokenBody], verify_email: NamedDependency[VerifyEmail]) -> UserBody:
        """Spend the emailed link's token; the account becomes active (401 if the link is bad, used or expired)."""
        return UserBody.of(await verify_email(data.token))

    @post("/resend-verification", operation_id="resendVerification", status_code=202, summary="Email a new link")
    async def resend_verification(
        self, data: JSONBody[EmailBody], request: Request, resend_verification: NamedDependency[ResendVerification]
    ) -> Accepted:
        """Same answer for every address."""
        await resend_verification(EmailLinkRequest(email=data.email, client_ip=client_ip(request)))
        return Accepted(detail=LINK_SENT)

    @post("/login", operation_id="logIn", status_code=200, summary="Log in")
    async def log_in(
        self,
        data: JSONBody[LogInBody],
        request: Request,
        log_in: NamedDependency[LogIn],
        cookie_policy: NamedDependency[CookiePolicy],
    ) -> Response[SessionBody]:
        """Username or email + password → access and refresh tokens (HttpOnly cookies, or the body)."""
        tokens = await log_in(LogInCommand(login=data.login, password=data.password, client_ip=client_ip(request)))
        audit(request, "login.succeeded", login_user_id=str(tokens.user.id), session_id=str(tokens.session_id))
        return _session_response(tokens, data.token_delivery, cookie_policy)

    @post("/refresh", operation_id="refreshSession", status_code=200, summary="Rotate the session's tokens")
    async def refresh(
        self,
        request: Request,
        refresh_session: NamedDependency[RefreshSession],
        cookie_policy: NamedDependency[CookiePolicy],
        data: JSONBody[RefreshBody | None] = None,
    ) -> Response[SessionBody]:
        """Trade the refresh token for new tokens; a refresh token used twice ends the session (401)."""
        token = (data.refresh_token if data else None) or request.cookies.get(REFRESH_COOKIE)
        if not token:
            raise Unauthorized("Log in again: there is no session to refresh.")
        tokens = await refresh_session(RefreshCommand(refresh_token=token, client_ip=client_ip(request)))
        return _session_response(tokens, data.token_delivery if data else "cookie", cookie_policy)

    @post("/logout", operation_id="logOut", status_code=200, summary="Log out")
    async def log_out(
        self,
        request: Request,
        caller: NamedDependency[Caller],
        log_out: NamedDependency[LogOut],
        cookie_policy: NamedDependency[CookiePolicy],
    ) -> Response[Accepted]:
        """End this session on the server (its tokens stop working) and clear the cookies."""
        await log_out(user_id=caller.user.id, session_id=caller.session_id)
        audit(request, "logout", session_id=str(caller.session_id))
        response = Response(Accepted(detail="You are logged out."))
        clear_session_cookies(response, cookie_policy)
        return response

    @post("/forgot-password", operation_id="forgotPassword", status_code=202, summary="Email a password-reset link")
    async def forgot_password(
        self, data: JSONBody[EmailBody], request: Request, request_password_reset: NamedDependency[RequestPasswordReset]
    ) -> Accepted:
        """Same answer whether or not the address has an account."""
        await request_password_reset(EmailLinkRequest(email=data.email, client_ip=client_ip(request)))
        return Accepted(detail=LINK_SENT)

    @post("/reset-password", operation_id="resetPassword", status_code=200, summary="Set a new password")
    async def reset_password(
        self, data: JSONBody[ResetPasswordBody], reset_password: NamedDependency[ResetPassword]
    ) -> Accepted:
        """Spend the emailed link, set the password, and log the account out everywhere."""
        await reset_password(token=data.token, new_password=data.new_password)
        return Accepted(detail="Your password is changed. Log in with the new one.")


class MeController(Controller):
    """The caller's own account (login required)."""

    path = "/api/me"
    tags = ["me"]  # noqa: RUF012 - Litestar reads a list
    opt = NEVER_BY_KEY

    @get("/", operation_id="getMe", summary="My account")
    async def get_me(self, caller: NamedDependency[Caller], get_profile: NamedDependency[GetProfile]) -> UserBody:
        """Profile, video limit and whether a personal OpenAI key is set (only its last 4 characters)."""
        return UserBody.of(await get_profile(caller))

    @patch("/", operation_id="updateMe", summary="Change my profile")
    async def update_me(
        self,
        data: JSONBody[ProfileBody],
        caller: NamedDependency[Caller],
        update_profile: NamedDependency[UpdateProfile],
    ) -> UserBody:
        """Rename (409 if the username is taken)."""
        return UserBody.of(await update_profile(caller, ProfileUpdate(username=data.username)))

    @put("/password", operation_id="changePassword", summary="Change my password")
    async def change_password(
        self,
        data: JSONBody[ChangePasswordBody],
        caller: NamedDependency[Caller],
        change_password: NamedDependency[ChangePassword],
    ) -> Accepted:
        """Needs the current password; logs out every other session."""
        await change_password(caller, current_password=data.current_password, new_password=data.new_password)
        return Accepted(detail="Your password is changed. Other devices are logged out.")

    @put("/openai-key", operation_id="setOpenAiKey", summary="Set my OpenAI API key")
    async def set_openai_key(
        self,
        data: JSONBody[OpenAiKeyBody],
        caller: NamedDependency[Caller],
        set_openai_key: NamedDependency[SetOpenAiKey],
    ) -> UserBody:
        """Stored encrypted; answers show only that it is set and its last 4 characters."""
        return UserBody.of(await set_openai_key(caller, data.api_key))

    @delete("/openai-key", operation_id="clearOpenAiKey", status_code=200, summary="Remove my OpenAI API key")
    async def clear_openai_key(
        self, caller: NamedDependency[Caller], set_openai_key: NamedDependency[SetOpenAiKey]
    ) -> UserBody:
        """Forget the key; the server's own key (if any) is used again."""
        return UserBody.of(await set_openai_key(caller, None))

    @post("/delete", operation_id="deleteMe", status_code=200, summary="Delete my account")
    async def delete_me(
        self,
        data: JSONBody[PasswordBody],
        caller: NamedDependency[Caller],
        delete_account: NamedDependency[DeleteAccount],
        cookie_policy: NamedDependency[CookiePolicy],
    ) -> Response[Accepted]:
        """Needs the password; removes the account and everything it owns, and clears the cookies."""
        await delete_account(caller, password=data.password)
        response = Response(Accepted(detail="Your account and everything in it are deleted."))
        clear_session_cookies(response, cookie_policy)
        return response
