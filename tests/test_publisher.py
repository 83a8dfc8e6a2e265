"""mentorship.publisher: what requests queue while the thread lingers leaves in one message."""

from __future__ import annotations

import threading

from mentorship.publisher import BackgroundPublisher


def test_ids_queued_while_it_lingers_leave_in_one_message():
    messages: list[list[int]] = []
    publisher = BackgroundPublisher(messages.append, name="test-linger", linger=0.5)
    for ids in ([1], [2, 3], [4]):  # three requests commit within the linger
        publisher.submit(ids)
    assert publisher.flush(timeout=10)
    assert messages == [[1, 2, 3, 4]]


def test_without_linger_each_quiet_submit_is_published_at_once():
    messages: list[list[int]] = []
    published = threading.Event()

    def publish(ids):
        messages.append(ids)
        published.set()

    publisher = BackgroundPublisher(publish, name="test-no-linger", linger=0.0)
    publisher.submit([1])
    assert published.wait(timeout=10)
    publisher.submit([2])
    assert publisher.flush(timeout=10)
    assert messages == [[1], [2]]


def test_a_failing_publish_does_not_stop_the_thread():
    messages: list[list[int]] = []

    def publish(ids):
        if ids == [1]:
            raise ConnectionError("broker down")
        messages.append(ids)

    publisher = BackgroundPublisher(publish, name="test-failing", linger=0.0)
    publisher.submit([1])
    assert publisher.flush(timeout=10)
    publisher.submit([2])
    assert publisher.flush(timeout=10)
    assert messages == [[2]]
