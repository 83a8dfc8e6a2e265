-- The floor for one booking (bench/booking.py): the transaction a booking needs at the least,
-- written by hand. Lock the mentor's policy row, probe for an overlapping live booking, insert the
-- booking and its history event. Every transaction takes a new hour (a sequence), so none collides.
\set mentor random(:mentor_lo, :mentor_hi)
BEGIN;
SELECT buffer_before_minutes, buffer_after_minutes, requires_approval
  FROM booking_bookingpolicy WHERE mentor_id = :mentor FOR UPDATE;
SELECT extract(epoch FROM TIMESTAMPTZ '2035-01-01 00:00Z')::bigint + 3600 * nextval('bench_booking_slot') AS s \gset
SELECT 1 FROM booking_booking
 WHERE mentor_id = :mentor AND status IN ('requested', 'confirmed')
   AND blocked_start < to_timestamp(:s + 1800) AND blocked_end > to_timestamp(:s)
 LIMIT 1;
INSERT INTO booking_booking (uid, mentor_id, mentee_id, start, "end", blocked_start, blocked_end,
                             duration_minutes, status, topic, question, context_url, call_url, sequence,
                             cancel_reason, cancelled_late, no_show_party, created_at, updated_at, confirmed_at)
VALUES (gen_random_uuid(), :mentor, :mentee, to_timestamp(:s), to_timestamp(:s + 1800),
        to_timestamp(:s), to_timestamp(:s + 1800), 30, 'confirmed', 'pgbench',
        'How do I show staff-level impact in an interview?', '', 'https://meet.example/x', 0, '', false, '',
        now(), now(), now())
RETURNING id AS booking_id \gset
INSERT INTO booking_bookingevent (booking_id, kind, actor_id, to_start, to_end, note, at)
VALUES (:booking_id, 'confirmed', :mentee, to_timestamp(:s), to_timestamp(:s + 1800), '', now());
COMMIT;
