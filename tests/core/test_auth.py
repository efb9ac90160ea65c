from __future__ import annotations

import base64

import pytest

from core.auth import (
    GRANT_PURPOSE,
    SESSION_PURPOSE,
    Throttle,
    basic_password,
    bearer_token_ok,
    email_allowed,
    hash_password,
    issue_token,
    signing_key,
    token_valid,
    verify_password,
)

# Enough iterations to exercise the scheme; the production count is slow on purpose.
FAST_ITERATIONS = 1_000


def test_a_plain_password_matches_only_itself():
    assert verify_password("s3cret", "s3cret", None)
    assert not verify_password("s3cret ", "s3cret", None)
    assert not verify_password("", "s3cret", None)


def test_a_hashed_password_matches_only_its_password():
    stored = hash_password("パスワード", iterations=FAST_ITERATIONS)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert verify_password("パスワード", None, stored)
    assert not verify_password("password", None, stored)


def test_the_hash_wins_over_the_plain_password_when_both_are_set():
    stored = hash_password("from-hash", iterations=FAST_ITERATIONS)
    assert verify_password("from-hash", "plain", stored)
    assert not verify_password("plain", "plain", stored)


def test_a_malformed_hash_refuses_everyone():
    assert not verify_password("x", None, "not-a-hash")
    assert not verify_password("x", None, "md5$1$YQ==$YQ==")


def test_no_password_configured_refuses_everyone():
    assert not verify_password("", None, None)


def test_bearer_token_needs_the_exact_token():
    assert bearer_token_ok("Bearer tok-1", "tok-1")
    assert bearer_token_ok("bearer tok-1", "tok-1")
    assert not bearer_token_ok("Bearer tok-2", "tok-1")
    assert not bearer_token_ok("Basic tok-1", "tok-1")
    assert not bearer_token_ok(None, "tok-1")


def test_no_token_configured_accepts_no_bearer():
    assert not bearer_token_ok("Bearer ", None)
    assert not bearer_token_ok("Bearer anything", "")


def test_basic_password_takes_the_part_after_the_user_name():
    header = "Basic " + base64.b64encode(b"me:pa:ss").decode()
    assert basic_password(header) == "pa:ss"
    assert basic_password("Basic !!!") is None
    assert basic_password("Bearer x") is None


def test_email_allow_list_by_address_or_domain():
    assert email_allowed("a@x.com", ["A@X.com"], [])
    assert email_allowed("b@corp.example", [], ["@corp.example"], email_verified=True)
    assert not email_allowed("b@evil.example", ["a@x.com"], ["corp.example"])
    assert not email_allowed(None, ["a@x.com"], [])


def test_a_domain_rule_needs_a_verified_address():
    assert not email_allowed("b@corp.example", [], ["corp.example"], email_verified=False)
    assert email_allowed("b@corp.example", [], ["corp.example"], email_verified=True)


def test_no_allow_list_allows_every_signed_in_user():
    assert email_allowed("anyone@anywhere.example", [], [])


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_throttle_locks_after_the_limit_then_lets_in_after_the_wait():
    clock = FakeClock()
    throttle = Throttle(max_failures=2, lockout_seconds=30, clock=clock)
    throttle.record(False)
    assert not throttle.locked()
    throttle.record(False)
    assert throttle.locked()
    assert throttle.seconds_left() == 30
    clock.now = 31
    assert not throttle.locked()


def test_a_success_resets_the_failure_count():
    throttle = Throttle(max_failures=2, lockout_seconds=30, clock=FakeClock())
    throttle.record(False)
    throttle.record(True)
    throttle.record(False)
    assert not throttle.locked()


def test_each_lockout_in_a_row_waits_twice_as_long():
    now = [0.0]
    throttle = Throttle(max_failures=2, lockout_seconds=10, clock=lambda: now[0])
    waits = []
    for _ in range(3):
        throttle.record(False)
        throttle.record(False)
        waits.append(throttle.seconds_left())
        now[0] += throttle.seconds_left()
    assert waits == [10, 20, 40]
    throttle.record(True)
    throttle.record(False)
    throttle.record(False)
    assert throttle.seconds_left() == 10


KEY = signing_key("a password", None, None)


def test_a_login_token_is_valid_until_it_expires():
    token = issue_token(KEY, SESSION_PURPOSE, 60, now=1000)
    assert token_valid(KEY, token, SESSION_PURPOSE, now=1059)
    assert not token_valid(KEY, token, SESSION_PURPOSE, now=1061)


def test_a_token_for_another_purpose_or_key_never_passes():
    token = issue_token(KEY, GRANT_PURPOSE, 60)
    assert not token_valid(KEY, token, SESSION_PURPOSE)
    assert not token_valid(signing_key("another password", None, None), token, GRANT_PURPOSE)
    assert not token_valid(signing_key("a password", None, "a secret"), token, GRANT_PURPOSE)


@pytest.mark.parametrize(
    "token", ["", "garbage", "1.2", "x.nonce.sig", "99999999999.nonce.forged", "1.2.3.4"]
)
def test_a_malformed_or_forged_token_is_refused(token):
    assert not token_valid(KEY, token, SESSION_PURPOSE)


def test_a_later_expiry_cannot_be_written_into_a_token():
    expires, nonce, signature = issue_token(KEY, SESSION_PURPOSE, 60).split(".")
    assert not token_valid(KEY, f"{int(expires) + 3600}.{nonce}.{signature}", SESSION_PURPOSE)
