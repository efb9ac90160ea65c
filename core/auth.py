"""Access control logic: passwords, API tokens, signed login tokens, failed-try throttling and
e-mail allow lists.

Pure functions and small classes; the web layer decides where they apply.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from pydantic import SecretStr

HASH_SCHEME = "pbkdf2_sha256"
# OWASP's 2023 figure for PBKDF2-HMAC-SHA256; one check costs ~0.3 s on this CPU, by design.
HASH_ITERATIONS = 600_000

Secret = SecretStr | str | None


def reveal(secret: Secret) -> str | None:
    """A secret's value (settings keep them as SecretStr), for the few checks that need it."""
    return secret.get_secret_value() if isinstance(secret, SecretStr) else secret


def hash_password(
    password: str, iterations: int = HASH_ITERATIONS, salt: bytes | None = None
) -> str:
    """`pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>`, for APP_PASSWORD_HASH."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    encode = base64.b64encode
    return f"{HASH_SCHEME}${iterations}${encode(salt).decode()}${encode(digest).decode()}"


def verify_password(candidate: str, password: Secret, password_hash: Secret) -> bool:
    """Constant-time check against a plain password or a PBKDF2 hash."""
    password, password_hash = reveal(password), reveal(password_hash)
    if password_hash:
        try:
            scheme, iterations, salt, expected = password_hash.split("$")
            if scheme != HASH_SCHEME:
                return False
            digest = hashlib.pbkdf2_hmac(
                "sha256", candidate.encode(), base64.b64decode(salt), int(iterations)
            )
            return hmac.compare_digest(digest, base64.b64decode(expected))
        except (ValueError, TypeError):
            return False
    if password:
        return hmac.compare_digest(candidate.encode(), password.encode())
    return False


def bearer_token_ok(authorization: str | None, token: Secret) -> bool:
    """`Authorization: Bearer <token>` matches the configured token (never when none is set)."""
    token = reveal(token)
    if not token or not authorization:
        return False
    scheme, _, value = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        value.strip().encode(), token.encode()
    )


def basic_password(authorization: str | None) -> str | None:
    """The password of `Authorization: Basic …` (any user name), or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded.partition(":")[2]


# Tokens signed for one use only: a login kept in a browser cookie, or the short grant that
# lets the page ask for that cookie. The purpose is the signer's salt: another purpose's token
# never passes.
SESSION_PURPOSE = "session"
GRANT_PURPOSE = "grant"


def signing_key(password: Secret, password_hash: Secret, secret: Secret) -> bytes:
    """The key that signs logins: SESSION_SECRET if set, else one derived from the configured
    password (so every task behind a load balancer agrees, and changing the password ends every
    kept login)."""
    material = reveal(secret) or reveal(password_hash) or reveal(password) or ""
    return hashlib.sha256(b"zeroshot-ja login|" + material.encode()).digest()


def _signer(key: bytes, purpose: str) -> Signer:
    return Signer(key, salt=f"zeroshot-ja {purpose}", digest_method=hashlib.sha256)


def issue_token(key: bytes, purpose: str, lifetime_seconds: float, now: float | None = None) -> str:
    """`<expiry>.<nonce>.<signature>` (itsdangerous' Signer over expiry and nonce): proof, until
    expiry, that the holder signed in. The expiry is signed, so it cannot be moved."""
    expires = int((time.time() if now is None else now) + lifetime_seconds)
    nonce = secrets.token_urlsafe(9)
    return _signer(key, purpose).sign(f"{expires}.{nonce}").decode()


def token_valid(key: bytes, token: str | None, purpose: str, now: float | None = None) -> bool:
    """A token issued with this key for this purpose, not yet expired."""
    if not token:
        return False
    try:
        signed = _signer(key, purpose).unsign(token).decode()
    except BadSignature:
        return False
    expires_text, _, _nonce = signed.partition(".")
    if not expires_text.isdigit():
        return False
    return int(expires_text) >= (time.time() if now is None else now)


def email_allowed(
    email: str | None,
    emails: Iterable[str],
    domains: Iterable[str],
    email_verified: bool = False,
) -> bool:
    """No list configured: any signed-in user may enter (only when the operator said so, see
    web.http.access.check_sign_in_setup); otherwise a listed address, or an address in a listed
    domain that the provider has verified (anyone can type an unverified address at some
    providers)."""
    emails = {e.strip().lower() for e in emails if e.strip()}
    domains = {d.strip().lower().lstrip("@") for d in domains if d.strip()}
    if not emails and not domains:
        return True
    if not email:
        return False
    email = email.strip().lower()
    return email in emails or (email_verified and email.rpartition("@")[2] in domains)


# Each lockout in a row doubles the wait, up to this: a script gets slower, a person is not shut
# out for long.
MAX_BACKOFF_FACTOR = 32


@dataclass
class Throttle:
    """Bounded failed tries: after `max_failures` in a row, refuse for `lockout_seconds`, doubled
    for each lockout in a row (up to MAX_BACKOFF_FACTOR times); a success forgets it all."""

    max_failures: int
    lockout_seconds: float
    clock: Callable[[], float] = time.monotonic
    failures: int = 0
    locked_until: float = 0.0
    lockouts: int = 0

    def seconds_left(self) -> float:
        return max(0.0, self.locked_until - self.clock())

    def locked(self) -> bool:
        return self.seconds_left() > 0

    def record(self, success: bool) -> None:
        if success:
            self.failures = 0
            self.lockouts = 0
            return
        self.failures += 1
        if self.failures >= self.max_failures:
            factor = min(2**self.lockouts, MAX_BACKOFF_FACTOR)
            self.locked_until = self.clock() + self.lockout_seconds * factor
            self.failures = 0
            self.lockouts += 1


def main() -> None:
    """`python -m core.auth` prints APP_PASSWORD_HASH for a password typed at the prompt."""
    import getpass

    print(hash_password(getpass.getpass("Password: ")))


if __name__ == "__main__":
    main()
