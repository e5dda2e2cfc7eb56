"""A pushed reminder on a phone: the service worker shows it, with its tag. The push message is
delivered through Chromium's DevTools protocol (a tap on the notification cannot be simulated
there; the click handler is small and only opens pages of this origin)."""

from __future__ import annotations

import json

from tests.e2e.test_shell import sign_in, wait_for_service_worker


def test_a_pushed_reminder_is_shown(page, context, live_server, make):
    make.user(email="an@example.org")
    context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(page, live_server, "an@example.org")
    wait_for_service_worker(page)
    session = context.new_cdp_session(page)
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    updates = []
    session.on("ServiceWorker.workerRegistrationUpdated", lambda event: updates.append(event))
    session.send("ServiceWorker.enable")  # answers with the registrations it knows
    page.evaluate("1")  # lets the events that came with it be handled
    registration_id = next(
        r["registrationId"]
        for update in updates
        for r in update["registrations"]
        if r["scopeURL"] == scope
    )
    payload = {"title": "fieldapp", "body": "Evaluatie morgen", "url": "/visits/", "tag": "r-42"}
    session.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration_id,
            "data": json.dumps(payload),
        },
    )
    # Showing happens in the service worker, which tells the page nothing: look until it is there.
    shown = page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            for (let attempt = 0; attempt < 100; attempt += 1) {
                const notifications = await registration.getNotifications({ tag: "r-42" });
                if (notifications.length) return notifications[0].body;
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
            return null;
        }"""
    )
    assert shown == "Evaluatie morgen"
