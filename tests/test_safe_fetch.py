"""mentorship.safe_fetch against a real local HTTP server: what a typed address may reach.

The server lives on 127.0.0.1, which the fetcher refuses like any internal address; each test that
means to reach it has the feed_server fixture, which allows 127.0.0.1 (and only it) through the
test-only setting. Addresses that must be refused are never connected to: the checks come first.
"""

from __future__ import annotations

import socket
import time

import pytest

from mentorship.safe_fetch import FetchError, safe_fetch
from tests.feed_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def test_fetches_a_feed_and_sends_no_cookies_or_credentials(feed_server):
    feed_server.serve("/start", status=302, headers={"Location": "/feed.ics", "Set-Cookie": "sid=abc; Path=/"})
    feed_server.serve("/feed.ics", body=ICS, headers={"Content-Type": "text/calendar"})

    result = safe_fetch(feed_server.url("/start"))

    assert result.status == 200 and result.body == ICS
    [first], [second] = feed_server.hits("/start"), feed_server.hits("/feed.ics")
    assert "cookie" not in second and "authorization" not in first and "authorization" not in second


def test_the_loopback_server_is_refused_without_the_test_only_setting(feed_server, settings):
    url = feed_server.serve("/feed.ics", body=ICS)
    settings.SAFE_FETCH_ALLOW_NETWORKS = []
    with pytest.raises(FetchError, match="loopback"):
        safe_fetch(url)
    assert feed_server.hits("/feed.ics") == []  # refused before any connection


@pytest.mark.parametrize("url, words", [
    ("http://10.0.0.7/feed.ics", "private"),
    ("http://192.168.1.1/feed.ics", "private"),
    ("http://172.16.5.4:8080/x", "private"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://127.0.0.1/feed.ics", "loopback"),
    ("http://localhost/feed.ics", "loopback"),
    ("http://0.0.0.0/feed.ics", "unspecified"),
    ("http://[::1]/feed.ics", "loopback"),
    ("http://[::ffff:127.0.0.1]/feed.ics", "loopback"),
    ("http://[::ffff:10.0.0.1]/feed.ics", "private"),
    ("http://[fd00::1]/feed.ics", "private"),
    ("http://[fe80::1]/feed.ics", "link-local"),
    ("http://224.0.0.1/feed.ics", "multicast"),
    ("http://240.0.0.1/feed.ics", "reserved"),
    ("http://100.64.0.1/feed.ics", "internal"),
])
def test_internal_addresses_are_refused(url, words):
    with pytest.raises(FetchError, match=words):
        safe_fetch(url)


@pytest.mark.parametrize("url", ["ftp://example.com/feed.ics", "file:///etc/passwd", "gopher://example.com/",
                                 "webcal://example.com/feed.ics", "http://user:pw@example.com/feed.ics",
                                 "http://example.com/a\x00b.ics", "http://example.com/a b.ics", "http://exa\nmple.com/"])
def test_only_plain_http_and_https_addresses(url):
    with pytest.raises(FetchError):
        safe_fetch(url)


def test_a_redirect_to_a_private_address_is_refused(feed_server):
    feed_server.serve("/feed.ics", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(FetchError, match="link-local"):
        safe_fetch(feed_server.url("/feed.ics"))


def test_too_many_redirects(feed_server):
    for i in range(6):
        feed_server.serve(f"/r{i}", status=301, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(FetchError, match="redirected more than 3"):
        safe_fetch(feed_server.url("/r0"))
    assert len(feed_server.requests) == 4


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-length"])
def test_an_oversize_answer_is_cut(feed_server, settings, declared):
    settings.SAFE_FETCH_MAX_BYTES = 100_000
    url = feed_server.serve("/big.ics", body=b"X" * 300_000, content_length=declared)
    with pytest.raises(FetchError, match="larger than"):
        safe_fetch(url)


def test_a_slow_server_is_cut_off(feed_server, settings):
    settings.SAFE_FETCH_TOTAL_TIMEOUT = 1
    url = feed_server.serve("/slow.ics", body=ICS, delay=3)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        safe_fetch(url)
    assert time.monotonic() - started < 2


def test_a_server_that_dribbles_bytes_is_cut_off_at_the_total_time(feed_server, settings):
    settings.SAFE_FETCH_TOTAL_TIMEOUT = 1
    url = feed_server.serve("/dribble.ics", body=ICS * 5, dribble=0.1)  # ~20 s in all
    started = time.monotonic()
    with pytest.raises(FetchError, match="too long"):
        safe_fetch(url)
    assert time.monotonic() - started < 2


def test_the_host_is_resolved_once_and_the_checked_address_is_used(feed_server, monkeypatch):
    """DNS rebinding: a name that answers an allowed address to the check and an internal one to
    a second lookup must not get the second one used. One lookup per hop, and the connection goes
    to the address that was checked."""
    url = feed_server.serve("/feed.ics", body=ICS)
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "10.9.9.9", "10.9.9.9"])
    lookups = []

    def rebinding(host, port, *args, **kwargs):
        if host == "feeds.rebind.test":
            lookups.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    result = safe_fetch(url.replace("127.0.0.1", "feeds.rebind.test"))
    assert result.body == ICS and lookups == ["feeds.rebind.test"]
    assert feed_server.hits("/feed.ics")[0]["host"] == f"feeds.rebind.test:{feed_server.port}"


def test_conditional_request_gets_not_modified(feed_server):
    url = feed_server.serve("/feed.ics", body=ICS, etag='"v1"')
    first = safe_fetch(url)
    again = safe_fetch(url, headers={"If-None-Match": first.headers["etag"]})
    assert first.status == 200 and again.status == 304 and again.body == b""


def test_error_messages_never_contain_the_address(feed_server):
    secret = feed_server.serve("/private/abcdef0123456789secret/basic.ics", status=500)
    with pytest.raises(FetchError) as info:
        safe_fetch(secret)
    assert "abcdef0123456789secret" not in str(info.value) and "500" in str(info.value)
