from icalendar import Calendar

from tests.factories import World


async def test_officer_subscribes_to_their_own_feed_and_revokes_it(client, world: World) -> None:
    auth = world.auth("off_a1a1")
    created = await client.post("/api/calendars", json={"scope": "officer", "id": world.officers["A1a-1"]},
                                headers=auth)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["url"].endswith(f"/api/calendars/{body['token']}.ics")
    feed = await client.get(f"/api/calendars/{body['token']}.ics")  # no session: the token is the credential
    assert feed.status_code == 200 and feed.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["x-wr-calname"]).startswith("CSAS: ")
    assert (await client.delete(f"/api/calendars/{body['token']}", headers=auth)).status_code == 204
    assert (await client.get(f"/api/calendars/{body['token']}.ics")).status_code == 404


async def test_feeds_are_limited_to_the_creators_scope(client, world: World) -> None:
    other = await client.post("/api/calendars", json={"scope": "officer", "id": world.officers["A1a-2"]},
                              headers=world.auth("off_a1a1"))
    assert other.status_code == 403
    team = await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1b"]},
                             headers=world.auth("mgr_a1a"))
    assert team.status_code == 403
    own_team = await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1a"]},
                                 headers=world.auth("mgr_a1a"))
    assert own_team.status_code == 201
    org = await client.post("/api/calendars", json={"scope": "organisation", "id": world.orgs["A1"]},
                            headers=world.auth("hr_a1"))
    assert org.status_code == 201
    for who in ("mgr_a1a", "off_a1a1"):  # may read the employer's name, but not every officer there
        whole = await client.post("/api/calendars", json={"scope": "organisation", "id": world.orgs["A1"]},
                                  headers=world.auth(who))
        assert whole.status_code == 403 and whole.json()["code"] == "out_of_scope"
    bad = await client.post("/api/calendars", json={"scope": "planet", "id": 1}, headers=world.auth("hr_a1"))
    assert bad.status_code == 422


async def test_only_the_creator_or_admin_revokes(client, world: World) -> None:
    token = (await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1a"]},
                               headers=world.auth("mgr_a1a"))).json()["token"]
    assert (await client.delete(f"/api/calendars/{token}", headers=world.auth("hr_a1"))).status_code == 403
    assert (await client.delete(f"/api/calendars/{token}", headers=world.auth("admin"))).status_code == 204
    assert (await client.get("/api/calendars/not-a-token.ics")).status_code == 404


async def test_head_answers_as_get_does_with_one_charset(client, world: World) -> None:
    token = (await client.post("/api/calendars", json={"scope": "team", "id": world.teams["A1a"]},
                               headers=world.auth("mgr_a1a"))).json()["token"]
    got = await client.get(f"/api/calendars/{token}.ics")
    head = await client.head(f"/api/calendars/{token}.ics")
    assert got.status_code == head.status_code == 200
    assert got.headers["content-type"] == head.headers["content-type"] == "text/calendar; charset=utf-8"
    assert head.headers["content-length"] == got.headers["content-length"] == str(len(got.content))
    assert head.content == b""
    assert (await client.head("/api/calendars/not-a-token.ics")).status_code == 404
