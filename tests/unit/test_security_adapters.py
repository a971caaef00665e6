"""The pure security adapters: argon2id hashing, JWT tokens, Fernet encryption and key derivation."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from adapters.memory import FakeClock
from adapters.security import Argon2PasswordHasher, FernetSecretBox, JwtTokenIssuer, derive_key, fernet_key
from domain.accounts import TokenClaims, TokenKind
from domain.errors import Unauthorized

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def hasher() -> Argon2PasswordHasher:
    # Cheap parameters keep the suite fast; the defaults get their own test.
    return Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def claims(
    kind: TokenKind = TokenKind.ACCESS, *, expires_in: timedelta = timedelta(minutes=15), **extra
) -> TokenClaims:
    return TokenClaims(
        kind=kind,
        subject=uuid.uuid4(),
        token_id=uuid.uuid4(),
        expires_at=(datetime.now(UTC) + expires_in).replace(microsecond=0),
        **extra,
    )


def payload(**overrides) -> dict:
    now = int(datetime.now(UTC).timestamp())
    base = {
        "sub": str(uuid.uuid4()),
        "jti": str(uuid.uuid4()),
        "typ": "access",
        "exp": now + 600,
        "iat": now,
        "iss": "askvideo",
        "aud": "askvideo",
    }
    return {key: value for key, value in {**base, **overrides}.items() if value is not None}


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class TestArgon2PasswordHasher:
    async def test_a_hash_is_argon2id_and_verifies_its_password(self, hasher: Argon2PasswordHasher) -> None:
        hashed = await hasher.hash(PASSWORD)
        assert hashed.startswith("$argon2id$")
        assert PASSWORD not in hashed
        assert await hasher.verify(hashed, PASSWORD)

    async def test_two_hashes_of_one_password_differ_by_salt(self, hasher: Argon2PasswordHasher) -> None:
        assert await hasher.hash(PASSWORD) != await hasher.hash(PASSWORD)

    async def test_a_wrong_password_does_not_verify(self, hasher: Argon2PasswordHasher) -> None:
        assert not await hasher.verify(await hasher.hash(PASSWORD), PASSWORD + "!")

    @pytest.mark.parametrize(
        "malformed",
        ["", "not a hash", "$argon2id$v=19$m=x", "$argon2id$v=19$m=1024,t=1,p=1$zz$zz", "$2b$12$abcdefghijklmnop"],
    )
    async def test_a_malformed_hash_is_false_not_an_error(self, hasher: Argon2PasswordHasher, malformed: str) -> None:
        assert await hasher.verify(malformed, PASSWORD) is False
        assert hasher.needs_rehash(malformed) is True

    async def test_a_hash_made_with_the_current_parameters_needs_no_rehash(self, hasher: Argon2PasswordHasher) -> None:
        assert not hasher.needs_rehash(await hasher.hash(PASSWORD))

    async def test_a_hash_made_with_other_parameters_needs_a_rehash_but_still_verifies(
        self, hasher: Argon2PasswordHasher
    ) -> None:
        old = await Argon2PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
        assert hasher.needs_rehash(old)
        assert await hasher.verify(old, PASSWORD)

    async def test_the_defaults_are_rfc_9106_low_memory_with_one_lane(self) -> None:
        hashed = await Argon2PasswordHasher().hash(PASSWORD)
        assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=1$")


class TestJwtTokenIssuer:
    @pytest.mark.parametrize("kind", list(TokenKind))
    def test_every_kind_round_trips(self, kind: TokenKind) -> None:
        issuer = JwtTokenIssuer(KEY)
        original = claims(kind)
        assert issuer.read(issuer.issue(original), kind=kind) == original

    def test_the_session_id_round_trips(self) -> None:
        issuer = JwtTokenIssuer(KEY)
        original = claims(TokenKind.REFRESH, session_id=uuid.uuid4())
        assert issuer.read(issuer.issue(original), kind=TokenKind.REFRESH).session_id == original.session_id

    def test_the_token_carries_the_documented_claims_and_nothing_secret(self) -> None:
        original = claims(TokenKind.ACCESS, session_id=uuid.uuid4())
        token = JwtTokenIssuer(KEY).issue(original)
        header = jwt.get_unverified_header(token)
        body = jwt.decode(token, options={"verify_signature": False})
        assert header["alg"] == "HS256"
        assert set(body) == {"sub", "jti", "typ", "sid", "exp", "iat", "iss", "aud"}
        assert (body["typ"], body["iss"], body["aud"]) == ("access", "askvideo", "askvideo")

    @pytest.mark.parametrize(
        ("issued", "expected"),
        [
            (TokenKind.VERIFY_EMAIL, TokenKind.RESET_PASSWORD),
            (TokenKind.REFRESH, TokenKind.ACCESS),
            (TokenKind.ACCESS, TokenKind.REFRESH),
            (TokenKind.RESET_PASSWORD, TokenKind.ACCESS),
        ],
    )
    def test_a_token_of_another_kind_is_refused(self, issued: TokenKind, expected: TokenKind) -> None:
        issuer = JwtTokenIssuer(KEY)
        with pytest.raises(Unauthorized, match=r"^Invalid token\.$"):
            issuer.read(issuer.issue(claims(issued)), kind=expected)

    def test_a_tampered_payload_breaks_the_signature(self) -> None:
        issuer = JwtTokenIssuer(KEY)
        header, _, signature = issuer.issue(claims()).split(".")
        forged = f"{header}.{b64(payload(sub=str(uuid.uuid4())))}.{signature}"
        with pytest.raises(Unauthorized, match="Invalid token"):
            issuer.read(forged, kind=TokenKind.ACCESS)

    def test_a_tampered_signature_is_refused(self) -> None:
        issuer = JwtTokenIssuer(KEY)
        header, body, signature = issuer.issue(claims()).split(".")
        flipped = ("A" if signature[5] != "A" else "B").join((signature[:5], signature[6:]))
        with pytest.raises(Unauthorized, match="Invalid token"):
            issuer.read(f"{header}.{body}.{flipped}", kind=TokenKind.ACCESS)

    def test_a_token_signed_with_another_key_is_refused(self) -> None:
        token = JwtTokenIssuer(OTHER_KEY).issue(claims())
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    def test_an_unsigned_alg_none_token_is_refused(self) -> None:
        token = jwt.encode(payload(), key=None, algorithm="none")
        assert token.endswith(".")
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    def test_a_hand_made_alg_none_token_is_refused(self) -> None:
        token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(payload())}."
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    # Same key on purpose, so only the algorithm differs; PyJWT warns that 32 bytes is short for HS512.
    @pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
    def test_a_token_signed_with_another_hmac_algorithm_is_refused(self) -> None:
        token = jwt.encode(payload(), KEY, algorithm="HS512")
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    @pytest.mark.parametrize("kind", [TokenKind.ACCESS, TokenKind.REFRESH])
    def test_an_expired_session_token_says_to_log_in_again(self, kind: TokenKind) -> None:
        issuer = JwtTokenIssuer(KEY)
        token = issuer.issue(claims(kind, expires_in=timedelta(seconds=-1)))
        with pytest.raises(Unauthorized, match=r"^Your session has expired; log in again\.$"):
            issuer.read(token, kind=kind)

    @pytest.mark.parametrize("kind", [TokenKind.VERIFY_EMAIL, TokenKind.RESET_PASSWORD])
    def test_an_expired_link_token_says_to_ask_for_a_new_link(self, kind: TokenKind) -> None:
        issuer = JwtTokenIssuer(KEY)
        token = issuer.issue(claims(kind, expires_in=timedelta(seconds=-1)))
        with pytest.raises(Unauthorized, match=r"^This link has expired\. Ask for a new one\.$"):
            issuer.read(token, kind=kind)

    def test_an_expired_token_of_another_kind_is_just_invalid(self) -> None:
        issuer = JwtTokenIssuer(KEY)
        token = issuer.issue(claims(TokenKind.VERIFY_EMAIL, expires_in=timedelta(seconds=-1)))
        with pytest.raises(Unauthorized, match=r"^Invalid token\.$"):
            issuer.read(token, kind=TokenKind.ACCESS)

    def test_expiry_follows_the_injected_clock(self) -> None:
        clock = FakeClock()
        issuer = JwtTokenIssuer(KEY, clock=clock)
        original = TokenClaims(
            kind=TokenKind.ACCESS,
            subject=uuid.uuid4(),
            token_id=uuid.uuid4(),
            expires_at=clock.now() + timedelta(minutes=15),
        )
        token = issuer.issue(original)
        assert jwt.decode(token, options={"verify_signature": False})["iat"] == int(clock.now().timestamp())
        assert issuer.read(token, kind=TokenKind.ACCESS) == original
        clock.advance(minutes=15)
        with pytest.raises(Unauthorized, match="session has expired"):
            issuer.read(token, kind=TokenKind.ACCESS)

    def test_a_token_issued_in_the_future_is_refused(self) -> None:
        future = int((datetime.now(UTC) + timedelta(hours=1)).timestamp())
        token = jwt.encode(payload(iat=future, exp=future + 600), KEY, algorithm="HS256")
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    def test_a_token_for_another_audience_is_refused(self) -> None:
        token = JwtTokenIssuer(KEY, audience="someone-else").issue(claims())
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    def test_a_token_from_another_issuer_is_refused(self) -> None:
        token = JwtTokenIssuer(KEY, issuer="someone-else").issue(claims())
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    @pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub", "jti", "typ"])
    def test_a_token_missing_a_required_claim_is_refused(self, missing: str) -> None:
        token = jwt.encode(payload(**{missing: None}), KEY, algorithm="HS256")
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    @pytest.mark.parametrize(
        "bad", [{"sub": "not-a-uuid"}, {"jti": "42"}, {"sid": "nope"}, {"exp": "soon"}, {"iat": 1.5}, {"exp": True}]
    )
    def test_a_correctly_signed_token_with_malformed_claims_is_refused(self, bad: dict) -> None:
        token = jwt.encode(payload(**bad), KEY, algorithm="HS256")
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(token, kind=TokenKind.ACCESS)

    @pytest.mark.parametrize("garbage", ["", "not-a-token", "a.b.c", "...."])
    def test_garbage_is_refused(self, garbage: str) -> None:
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(garbage, kind=TokenKind.ACCESS)

    def test_after_rotation_tokens_signed_with_a_previous_key_still_read(self) -> None:
        original = claims()
        old_token = JwtTokenIssuer(OTHER_KEY).issue(original)
        rotated = JwtTokenIssuer(KEY, previous_keys=[OTHER_KEY])
        assert rotated.read(old_token, kind=TokenKind.ACCESS) == original

    def test_after_rotation_new_tokens_are_signed_with_the_current_key(self) -> None:
        rotated = JwtTokenIssuer(KEY, previous_keys=[OTHER_KEY])
        new_token = rotated.issue(claims())
        assert JwtTokenIssuer(KEY).read(new_token, kind=TokenKind.ACCESS)
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(OTHER_KEY).read(new_token, kind=TokenKind.ACCESS)

    def test_a_dropped_previous_key_no_longer_reads(self) -> None:
        old_token = JwtTokenIssuer(OTHER_KEY).issue(claims())
        with pytest.raises(Unauthorized, match="Invalid token"):
            JwtTokenIssuer(KEY).read(old_token, kind=TokenKind.ACCESS)

    @pytest.mark.parametrize("keys", [(b"short", ()), (KEY, (b"short",))])
    def test_a_key_shorter_than_32_bytes_is_rejected(self, keys: tuple[bytes, tuple[bytes, ...]]) -> None:
        signing, previous = keys
        with pytest.raises(ValueError, match="at least 32 bytes"):
            JwtTokenIssuer(signing, previous_keys=previous)


class TestFernetSecretBox:
    def test_a_secret_round_trips(self) -> None:
        box = FernetSecretBox([fernet_key("server secret", "test")])
        assert box.decrypt(box.encrypt("sk-proj-ユニコード-1234")) == "sk-proj-ユニコード-1234"

    def test_the_ciphertext_does_not_contain_the_plaintext(self) -> None:
        box = FernetSecretBox([fernet_key("server secret", "test")])
        ciphertext = box.encrypt("sk-very-secret-value")
        assert b"sk-very-secret-value" not in ciphertext
        assert b"sk-very-secret-value" not in base64.urlsafe_b64decode(ciphertext)

    def test_encrypting_twice_gives_different_ciphertexts(self) -> None:
        box = FernetSecretBox([fernet_key("server secret", "test")])
        assert box.encrypt("same") != box.encrypt("same")

    def test_after_rotation_the_old_key_still_decrypts_and_rotate_moves_to_the_new_key(self) -> None:
        old_key, new_key = fernet_key("old secret", "test"), fernet_key("new secret", "test")
        old_ciphertext = FernetSecretBox([old_key]).encrypt("sk-1234")
        rotating = FernetSecretBox([new_key, old_key])
        assert rotating.decrypt(old_ciphertext) == "sk-1234"
        rotated = rotating.rotate(old_ciphertext)
        assert FernetSecretBox([new_key]).decrypt(rotated) == "sk-1234"
        with pytest.raises(ValueError, match="cannot be decrypted with the configured keys"):
            FernetSecretBox([old_key]).decrypt(rotated)

    def test_new_ciphertexts_use_the_first_key(self) -> None:
        old_key, new_key = fernet_key("old secret", "test"), fernet_key("new secret", "test")
        ciphertext = FernetSecretBox([new_key, old_key]).encrypt("sk-1234")
        assert FernetSecretBox([new_key]).decrypt(ciphertext) == "sk-1234"

    def test_a_wrong_key_raises_value_error(self) -> None:
        ciphertext = FernetSecretBox([fernet_key("one secret", "test")]).encrypt("sk-1234")
        with pytest.raises(ValueError, match="cannot be decrypted with the configured keys"):
            FernetSecretBox([fernet_key("another secret", "test")]).decrypt(ciphertext)

    @pytest.mark.parametrize("garbage", [b"", b"not a fernet token", b"gAAAAA"])
    def test_garbage_raises_value_error(self, garbage: bytes) -> None:
        box = FernetSecretBox([fernet_key("server secret", "test")])
        with pytest.raises(ValueError, match="cannot be decrypted"):
            box.decrypt(garbage)
        with pytest.raises(ValueError, match="cannot be decrypted"):
            box.rotate(garbage)

    def test_a_box_needs_a_key(self) -> None:
        with pytest.raises(ValueError, match="at least one key"):
            FernetSecretBox([])


class TestKeyDerivation:
    def test_a_derived_key_is_32_bytes_and_stable(self) -> None:
        first = derive_key("server secret", "jwt-signing")
        assert len(first) == 32
        assert first == derive_key("server secret", "jwt-signing")

    def test_each_purpose_gets_its_own_key(self) -> None:
        assert derive_key("server secret", "jwt-signing") != derive_key("server secret", "secret-box")

    def test_each_secret_gets_its_own_key(self) -> None:
        assert derive_key("server secret", "jwt-signing") != derive_key("other secret", "jwt-signing")

    def test_a_fernet_key_is_the_url_safe_base64_of_the_derived_key(self) -> None:
        key = fernet_key("server secret", "secret-box")
        assert base64.urlsafe_b64decode(key) == derive_key("server secret", "secret-box")
        assert FernetSecretBox([key]).decrypt(FernetSecretBox([key]).encrypt("x")) == "x"

    def test_a_derived_key_signs_tokens(self) -> None:
        issuer = JwtTokenIssuer(derive_key("server secret", "jwt-signing"))
        original = claims()
        assert issuer.read(issuer.issue(original), kind=TokenKind.ACCESS) == original

    def test_an_empty_secret_is_rejected(self) -> None:
        with pytest.raises(ValueError, match="empty"):
            derive_key("", "jwt-signing")
