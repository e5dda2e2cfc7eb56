"""What happened, said by the services that made it happen (blinker signals, as Flask's own).

A service that changes something with moments in it (a date, a status, who follows a file) sends
one of these after its change, with the changed record as the sender; it does not know or care who
listens. Today the agenda (``fieldapp/reminders/agenda.py``) does: it notes the file and plans
its reminders again once, just before the commit. A new kind of moment in a client's file sends
``client_file_changed`` from its service and adds its moments to the agenda; nothing else changes.

Changes that move no moment (a name, a note, a draft answer) send nothing. A phase moves the
contact rhythm's moment, a new contact moves it too.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

client_file_changed = _signals.signal("client-file-changed")
"""Sender: the ``Client``. The file was handed over or anonymised, or one of its trajectories
(start, dates, evaluations, end), referrals or visits changed."""

client_handed_over = _signals.signal("client-handed-over")
"""Sender: the ``Client``, with ``previous`` and ``to``: the counsellor who followed the file and
the one who follows it now. Sent before ``client_file_changed``, so that the agenda plans the
file once what follows the counsellor moved (the planned visits, ``fieldapp/visits``; the notices
not read yet, ``fieldapp/reminders/notices.py``)."""

client_unshared = _signals.signal("client-unshared")
"""Sender: the ``Client``, with ``user`` and ``to``: the colleague whose share of the file was
removed, and who may no longer open it, and the client's counsellor. What the colleague still had
open in the file goes to the counsellor, as with a hand-over: their agreed actions
(``fieldapp/visits``)."""

mentorship_changed = _signals.signal("mentorship-changed")
"""Sender: the ``Mentorship``. A mentor was paired, or a check-in was held."""

feedback_round_changed = _signals.signal("feedback-round-changed")
"""Sender: the ``FeedbackRound``. It started, its deadline moved, it closed or was released, a
rater's link was stopped or renewed, or an answer came in."""

signed_out_everywhere = _signals.signal("signed-out-everywhere")
"""Sender: the ``User``. Every session of the person ended at once (but the device that asked, for
"sign out everywhere else" and a password change): a password change or reset, an accepted
invitation, "sign out everywhere else", an administrator's "end all sessions", a deactivation.
What a lost or stolen device could still reach without a session stops too (the calendar feed,
``fieldapp/visits/calendar.py``), in the same transaction. A receiver returns a short code of
what it stopped (``"calendar_feed"``), or None when there was nothing to stop, so that the person
can be told."""

sessions_ended = _signals.signal("sessions-ended")
"""Sender: the ``User``, with ``sessions``: the ``UserSession`` records that just ended, however
(signing out, a device ended from the list, one of the ways of ending them all, a sign-in that
outlived its longest). What a device got through its session ends in the same transaction: its
push subscriptions (``fieldapp/reminders/devices.py``)."""

session_renewed = _signals.signal("session-renewed")
"""Sender: the ``User``, with ``previous`` and ``current``: the device that changed the password
signs in afresh, so that a copy of its old cookies stops working. Sent before ``previous`` ends
(``sessions_ended``): what the device got through it moves to ``current`` (its push
subscriptions, ``fieldapp/reminders/devices.py``)."""
