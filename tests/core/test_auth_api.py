from httpx import AsyncClient

from core.tables import ApiToken, AuditEvent
from tests.factories import PASSWORD, World


async def test_sign_in_sets_a_safe_session_cookie_and_me_answers(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    me = (await client.get("/api/auth/me")).json()
    assert me["username"] == "hr_a1" and me["role"] == "hr" and me["organisation_id"] == world.orgs["A1"]


async def test_each_sign_in_gets_a_new_session(client: AsyncClient, world: World) -> None:
    first = await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})
    second = await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})
    assert first.cookies["csas_session"] != second.cookies["csas_session"]


async def test_wrong_password_and_unknown_user_get_the_same_401(client: AsyncClient, world: World) -> None:
    wrong = await client.post("/api/auth/login", json={"username": "hr_a1", "password": "nope-nope-nope"})
    unknown = await client.post("/api/auth/login", json={"username": "ghost", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["code"] == unknown.json()["code"] == "bad_credentials"
    assert wrong.headers["content-type"].startswith("application/problem+json")


async def test_logout_ends_the_session(client: AsyncClient, world: World) -> None:
    await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})
    assert (await client.post("/api/auth/logout")).status_code == 200
    response = await client.get("/api/auth/me")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


async def test_me_needs_authentication(client: AsyncClient) -> None:
    response = await client.get("/api/auth/me")
    assert response.status_code == 401


async def test_bad_bearer_token_is_401(client: AsyncClient, world: World) -> None:
    response = await client.get("/api/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401


async def test_admin_creates_tokens_stored_hashed(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/auth/tokens", json={"username": "mgr_a1a", "name": "script"},
                                 headers=world.auth("admin"))
    assert response.status_code == 201
    token = response.json()["token"]
    assert not await ApiToken.exists().where(ApiToken.token_hash == token)
    me = await client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "mgr_a1a"
    assert await AuditEvent.exists().where(AuditEvent.action == "token.create")


async def test_only_admin_creates_tokens(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/auth/tokens", json={"username": "mgr_a1a"}, headers=world.auth("coord_a"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


async def test_token_for_unknown_user_is_404(client: AsyncClient, world: World) -> None:
    response = await client.post("/api/auth/tokens", json={"username": "ghost"}, headers=world.auth("admin"))
    assert response.status_code == 404


async def test_health_and_readiness_and_openapi(client: AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    assert (await client.get("/health/ready")).json() == {"status": "ok"}
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/officers" in schema["paths"]


async def test_repeated_failures_are_throttled_with_429(client: AsyncClient, world: World) -> None:
    for _ in range(5):
        wrong = await client.post("/api/auth/login", json={"username": "hr_a1", "password": "not the password"})
        assert wrong.status_code == 401
    throttled = await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})
    assert throttled.status_code == 429 and throttled.json()["code"] == "too_many_requests"
    assert int(throttled.headers["retry-after"]) > 0
    other = await client.post("/api/auth/login", json={"username": "mgr_a1a", "password": PASSWORD})
    assert other.status_code == 200  # another account from the same address is still let in


async def test_a_success_resets_the_failure_count(client: AsyncClient, world: World) -> None:
    for _ in range(4):
        await client.post("/api/auth/login", json={"username": "hr_a1", "password": "not the password"})
    assert (await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})).status_code == 200
    for _ in range(4):
        await client.post("/api/auth/login", json={"username": "hr_a1", "password": "not the password"})
    assert (await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})).status_code == 200


async def test_security_headers_on_pages_and_api(client: AsyncClient) -> None:
    for path in ("/", "/health", "/api/auth/me"):
        headers = (await client.get(path)).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "script-src 'self';" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
        assert "strict-transport-security" not in headers  # plain HTTP: HSTS only over HTTPS
    https = await client.get("https://testserver/health")
    assert https.headers["strict-transport-security"].startswith("max-age=")


async def test_signing_in_to_your_own_account_does_not_reset_the_address_count(
        client: AsyncClient, world: World) -> None:
    from core.services import MAX_FAILURES_PER_ADDRESS, PAIR_FREE_FAILURES

    victims = ["coord_a", "vet_a", "mgr_a1a", "off_a1a1", "admin"]
    guesses = 0
    while guesses < MAX_FAILURES_PER_ADDRESS:
        for victim in victims:
            if guesses == MAX_FAILURES_PER_ADDRESS:
                break
            await client.post("/api/auth/login", json={"username": victim, "password": "a guess"})
            guesses += 1
        # the guesser's own account, signed in between rounds (an address it uses, so never refused for the rest)
        assert (await client.post("/api/auth/login", json={"username": "hr_a1", "password": PASSWORD})).status_code \
            == 200
    assert guesses // len(victims) < PAIR_FREE_FAILURES  # no single username reached its own limit
    blocked = await client.post("/api/auth/login", json={"username": "coord_a", "password": PASSWORD})
    assert blocked.status_code == 429
