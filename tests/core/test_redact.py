from authcheck.core.redact import redact_authorization, redact_text, redact_token

JWT = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLWEifQ.c2lnbmF0dXJlLWJ5dGVzLWdvLWhlcmU"


def test_redact_token_keeps_prefix_and_length_only() -> None:
    out = redact_token(JWT)
    assert out == f"eyJhbG…[redacted {len(JWT)} chars]"
    assert JWT[10:] not in out


def test_redact_text_hides_tokens_inside_messages() -> None:
    out = redact_text(f'{{"authorization": "Bearer {JWT}", "n": 3}}')
    assert "eyJzdWIiOiJ1c2VyLWEifQ" not in out
    assert '"n": 3' in out


def test_redact_authorization_keeps_the_scheme() -> None:
    assert redact_authorization(f"Bearer {JWT}").startswith("Bearer eyJhbG…[redacted")
    assert redact_authorization("Bearer ") == "Bearer "


def test_redact_text_keeps_advice_and_paths_readable() -> None:
    text = "get a fresh one with authClient.token() and call /api/user-a/tasks"
    assert redact_text(text) == text


def test_redact_text_hides_session_ids_and_signed_cookies() -> None:
    session_id = "Zq3vK8mN1pX4rT7wY0aB2cD5eF6gH9iJ"
    cookie = f"{session_id}.dGhpcyBpcyBhbiBobWFjIHNpZ25hdHVyZQ%3D%3D"
    out = redact_text(f"sent {session_id} then {cookie}")
    assert session_id not in out
    assert "dGhpcyBpcyBhbiBobWFj" not in out


def test_identifiers_stay_readable_credentials_do_not() -> None:
    user = "StB4taadeDNRolaxrCgHo00v6MUC8QuM"  # a Better Auth user id: shaped like a session id
    task = "3f2b8c1e-9a4d-4e6b-8c2a-1b2c3d4e5f60"
    body = f'{{"id":"{task}","user_id":"{user}","session":"{user[::-1]}"}}'
    shown = redact_text(body, keep={user})
    assert task in shown and user in shown and user[::-1] not in shown
    assert user not in redact_text(body)  # unknown, it is treated as a credential
