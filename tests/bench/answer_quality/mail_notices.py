# ruff: noqa: E501
# (Bodies are typed one line per paragraph, as senders type them; make_mail.py wraps them.)
"""Machine-sent mail: bookings, schedule changes, deliveries, refunds, reminders (several
HTML-only, some multipart/alternative) and newsletters that only get in the way."""

from __future__ import annotations

from make_mail import Mail

ME = "Yasmin Khalil <yasmin.khalil@posteo.de>"
WORK_ME = "Yasmin Khalil <y.khalil@nordlicht-maps.de>"
AEGEAN = "Aegean Airlines <noreply@aegeanair.com>"
ERGODESK = "Ergodesk <orders@ergodesk.de>"
SOUNDHAUS = "Soundhaus Kundenservice <service@soundhaus.de>"
LINDNER = "Hautarztpraxis Dr. Lindner <termine@hautarzt-lindner.de>"


def _page(title: str, body: str, footer: str) -> str:
    """The table-in-a-table layout that transactional mail uses."""
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title></head>
<body style="margin:0;background:#f2f2f2;font-family:Arial,sans-serif">
<table width="100%" cellpadding="0" cellspacing="0" role="presentation"><tr><td align="center">
<table width="600" cellpadding="24" cellspacing="0" style="background:#ffffff">
<tr><td>
{body.strip()}
</td></tr>
<tr><td style="font-size:11px;color:#888888">{footer}</td></tr>
</table>
</td></tr></table>
</body></html>"""


MAILS = [
    # --- Flights to Athens: departure 10:05 -> 11:20, arrival 13:45 -> 15:00. ------------
    Mail(
        mid="bk.KX7P2M.20240602@aegeanair.com",
        date="2024-06-02 22:41 +0300",
        sender=AEGEAN,
        to=ME,
        subject="Your booking confirmation KX7P2M",
        text="""Dear Mrs Khalil,

thank you for choosing Aegean Airlines. Your booking is confirmed.

Booking reference: KX7P2M
Passengers: Yasmin Khalil, Karim Khalil, Lina Khalil, Yusuf Khalil

Outbound: A3 821 Berlin (BER) - Athens (ATH)
Saturday 14 September 2024, departure 10:05, arrival 13:45

Return: A3 824 Athens (ATH) - Berlin (BER)
Tuesday 24 September 2024, departure 14:40, arrival 16:35

Baggage: 1 x 23 kg checked bag per passenger
Total paid: 1,240.00 EUR

Online check-in opens 48 hours before departure.""",
        html=_page(
            "Booking confirmation",
            """<h1 style="color:#0a2a5e">Your booking is confirmed</h1>
<p>Dear Mrs Khalil,<br>thank you for choosing Aegean Airlines.</p>
<p><b>Booking reference:</b> KX7P2M</p>
<table cellpadding="6" style="border:1px solid #ccc">
<tr><th>Flight</th><th>Route</th><th>Date</th><th>Departure</th><th>Arrival</th></tr>
<tr><td>A3 821</td><td>Berlin (BER) - Athens (ATH)</td><td>Sat 14 Sep 2024</td><td>10:05</td><td>13:45</td></tr>
<tr><td>A3 824</td><td>Athens (ATH) - Berlin (BER)</td><td>Tue 24 Sep 2024</td><td>14:40</td><td>16:35</td></tr>
</table>
<p>Baggage: 1 x 23 kg checked bag per passenger<br>Total paid: 1,240.00 EUR</p>""",
            "Aegean Airlines S.A., 31 Viltanioti str., 14564 Kifissia, Greece",
        ),
    ),
    Mail(
        mid="sc.KX7P2M.20240723@aegeanair.com",
        date="2024-07-23 06:12 +0300",
        sender=AEGEAN,
        to=ME,
        subject="Important: schedule change for your flight A3 821 (KX7P2M)",
        html=_page(
            "Schedule change",
            """<h1 style="color:#0a2a5e">Your flight time has changed</h1>
<p>Dear Mrs Khalil,</p>
<p>for operational reasons the schedule of your flight <b>A3 821</b> on
14 September 2024 (booking KX7P2M) has changed.</p>
<table cellpadding="6" style="border:1px solid #ccc">
<tr><td></td><td><b>Departure</b></td><td><b>Arrival</b></td></tr>
<tr><td>Previous</td><td><s>10:05</s></td><td><s>13:45</s></td></tr>
<tr><td>New</td><td>11:20</td><td>15:00</td></tr>
</table>
<p>Your seats remain the same. If the new time does not suit you, you can change or
cancel your booking free of charge until 7 August.</p>""",
            "You receive this message because you booked with Aegean Airlines.",
        ),
    ),
    # --- Standing desk: delivery 12 April -> 16 April. ------------------------------------
    Mail(
        mid="order.ED-338271.confirm@ergodesk.de",
        date="2024-04-02 14:03 +0200",
        sender=ERGODESK,
        to=ME,
        subject="Order confirmation #ED-338271",
        text="""Thank you for your order!

Order #ED-338271
Ergodesk Pro 160 x 80 cm, oak, black frame: 649.00 €
Delivery: free (kerbside)

Expected delivery: 12 April 2024. Delivery is to the front door of the building; carrying it upstairs is not included (39 € extra, can be booked until 3 days before delivery).""",
        html=_page(
            "Order confirmation",
            """<h2>Thank you for your order!</h2>
<p>Order <b>#ED-338271</b></p>
<table cellpadding="6"><tr><td>Ergodesk Pro 160 x 80 cm, oak, black frame</td><td>649.00 €</td></tr>
<tr><td>Delivery (kerbside)</td><td>free</td></tr></table>
<p>Expected delivery: <b>12 April 2024</b>. Delivery is to the front door of the building;
carrying it upstairs is not included (39 € extra, can be booked until 3 days before delivery).</p>""",
            "Ergodesk GmbH · Am Kanal 4 · 14467 Potsdam",
        ),
    ),
    Mail(
        mid="order.ED-338271.delay@ergodesk.de",
        date="2024-04-10 08:30 +0200",
        sender=ERGODESK,
        to=ME,
        subject="Your delivery date has changed – order #ED-338271",
        html=_page(
            "New delivery date",
            """<h2>New delivery date</h2>
<p>Unfortunately the delivery of your order #ED-338271 is delayed.</p>
<p style="font-size:18px">New expected delivery date: <b>Tuesday 16 April 2024</b>,
between 8:00 and 12:00.</p>
<p>Carrier: DB Schenker. You will get a text message on the morning of delivery.
You don't have to do anything.</p>""",
            "Ergodesk GmbH · Am Kanal 4 · 14467 Potsdam",
        ),
    ),
    Mail(
        mid="order.ED-338271.review@ergodesk.de",
        date="2024-04-30 10:00 +0200",
        sender=ERGODESK,
        to=ME,
        subject="How do you like your Ergodesk Pro?",
        html=_page(
            "Review",
            """<h2>Standing up for a better day?</h2>
<p>Tell us how you like your new desk and get 10 % off your next order with the code
<b>DESK10</b> (valid until 31 May 2024).</p>
<p><a href="https://ergodesk.de/review?o=ED-338271">Write a review</a></p>""",
            'You can <a href="https://ergodesk.de/unsubscribe">unsubscribe</a> at any time.',
        ),
    ),
    # --- Headphones returned and refunded. -----------------------------------------------
    Mail(
        mid="rma55120.received@soundhaus.de",
        date="2024-05-06 13:15 +0200",
        sender=SOUNDHAUS,
        to=ME,
        subject="Return received – RMA 55120",
        html=_page(
            "Return received",
            """<p>Hello Yasmin Khalil,</p>
<p>we have received your return <b>RMA 55120</b>: Sony WH-1000XM5, black
(order SH-99812). We will check the item and issue the refund within 5 working days.</p>""",
            "Soundhaus GmbH · Kundenservice",
        ),
    ),
    Mail(
        mid="rma55120.refund@soundhaus.de",
        date="2024-05-09 09:47 +0200",
        sender=SOUNDHAUS,
        to=ME,
        subject="Your refund has been issued – order SH-99812",
        html=_page(
            "Refund",
            """<p>Hello Yasmin Khalil,</p>
<p>we have refunded <b>279.00 €</b> to your Visa card ending in 8830. Please allow 3–5
business days for the amount to appear on your statement.</p>
<p>Please note: the original shipping cost of 4.95 € is not refunded.</p>""",
            "Soundhaus GmbH · Kundenservice",
        ),
    ),
    # --- Dermatologist: 09:40 -> 11:15. ---------------------------------------------------
    Mail(
        mid="termin-88412-confirm@hautarzt-lindner.de",
        date="2024-05-02 12:00 +0200",
        sender=LINDNER,
        to=ME,
        subject="Appointment confirmation Wednesday 22 May 2024",
        text="""Dear Ms Khalil,

we confirm your appointment:

Wednesday 22 May 2024, 09:40, Dr. Lindner (skin cancer screening)

Please bring your insurance card and the referral from your GP.

Your Praxis Dr. Lindner""",
    ),
    Mail(
        mid="termin-88412-moved@hautarzt-lindner.de",
        date="2024-05-17 15:31 +0200",
        sender=LINDNER,
        to=ME,
        subject="Change to your appointment on 22 May",
        text="""Dear Ms Khalil,

unfortunately Dr. Lindner is at a conference on the morning of 22 May. We have moved your appointment to the same day at 11:15, with Dr. Lindner.

If this time does not suit you, please call us on 030 218 4400.

Your Praxis Dr. Lindner""",
    ),
    # --- Train to the offsite. -------------------------------------------------------------
    Mail(
        mid="771204559318.buchung@bahn.de",
        date="2024-02-20 19:58 +0100",
        sender="DB Fernverkehr <buchungsbestaetigung@bahn.de>",
        to=WORK_ME,
        subject="Your booking confirmation (order 771204559318)",
        text="""Your booking

Order number: 771204559318
Traveller: Yasmin Khalil

Outward journey, Tuesday 12 March 2024
ICE 1601 Berlin Hbf 08:34 - Leipzig Hbf 09:48, coach 7, seat 45 (window, quiet zone)

Return journey, Wednesday 13 March 2024
ICE 1608 Leipzig Hbf 17:13 - Berlin Hbf 18:26, coach 9, seat 71

Total price: 59.80 € (Super Sparpreis, no cancellation)

Your ticket is in the DB Navigator app.""",
        html=_page(
            "DB booking",
            """<h2>Your booking</h2>
<p>Order number: 771204559318<br>Traveller: Yasmin Khalil</p>
<p><b>Outward journey</b>, Tuesday 12 March 2024<br>ICE 1601 Berlin Hbf 08:34 - Leipzig Hbf 09:48, coach 7, seat 45 (window, quiet zone)</p>
<p><b>Return journey</b>, Wednesday 13 March 2024<br>ICE 1608 Leipzig Hbf 17:13 - Berlin Hbf 18:26, coach 9, seat 71</p>
<p>Total price: 59.80 € (Super Sparpreis, no cancellation)</p>""",
            "DB Fernverkehr AG · Stephensonstraße 1 · 60326 Frankfurt am Main",
        ),
    ),
    # --- Price and renewal notices. -------------------------------------------------------
    Mail(
        mid="price-2024-07-family.9c1@spotify.com",
        date="2024-05-27 17:00 +0200",
        sender="Spotify <no-reply@spotify.com>",
        to=ME,
        subject="An update to your Premium Family price",
        text="""Hi Yasmin,

we're writing to let you know that the price of your Premium Family plan is changing. From July 2024 your plan will cost 19.99 € per month (currently 17.99 €).

You don't need to do anything; the new price applies from your first payment in July. You can cancel any time in your account.

The Spotify team""",
        html=_page(
            "Spotify",
            """<h1>An update to your Premium Family price</h1>
<p>Hi Yasmin,</p>
<p>the price of your Premium Family plan is changing. From July 2024 your plan will
cost 19.99 € per month (currently 17.99 €).</p>
<p>You don't need to do anything. You can cancel any time in your account.</p>""",
            "Spotify AB, Regeringsgatan 19, 111 53 Stockholm, Sweden",
        ),
    ),
    Mail(
        mid="fz-member-20240515-99120@fitzone.de",
        date="2024-05-15 11:11 +0200",
        sender="FitZone <mitglieder@fitzone.de>",
        to=ME,
        subject="Your membership: price adjustment from 1 September",
        text="""Dear member,

because of higher energy costs, the monthly fee for your FitZone Basic membership will rise from 29 € to 32 € from 1 September 2024. Your special right of termination applies until 31 July 2024.

Sporty greetings,
your FitZone team""",
        html=_page(
            "FitZone",
            """<p>Dear member,</p>
<p>because of higher energy costs, the monthly fee for your FitZone Basic membership
will rise from 29 € to 32 € from 1 September 2024. Your special right of termination
applies until 31 July 2024.</p>""",
            "FitZone GmbH · Studio Moabit",
        ),
    ),
    Mail(
        mid="allianz-hr-renewal-2025@allianz.de",
        date="2024-11-28 07:30 +0100",
        sender="Allianz Versicherung <service@allianz.de>",
        to=ME,
        subject="Your household insurance for 2025",
        text="""Dear Ms Khalil,

your household insurance (policy HR 58 441 207) renews on 1 January 2025. Because the sums insured are adjusted to inflation every year, the annual premium will be 151.20 € (2024: 142.00 €).

Bicycles remain insured up to 2,000 € if locked to a fixed object.

Kind regards
Allianz Versicherungs-AG""",
        html=_page(
            "Allianz",
            """<p>Dear Ms Khalil,</p>
<p>your household insurance (policy HR 58 441 207) renews on 1 January 2025. Because the
sums insured are adjusted to inflation every year, the annual premium will be
<b>151.20 €</b> (2024: 142.00 €).</p>
<p>Bicycles remain insured up to 2,000 € if locked to a fixed object.</p>""",
            "Allianz Versicherungs-AG · Königinstraße 28 · 80802 München",
        ),
    ),
    Mail(
        mid="res-ZT-2291@zaytoun-berlin.de",
        date="2024-08-26 15:05 +0200",
        sender="Restaurant Zaytoun <reservierung@zaytoun-berlin.de>",
        to=ME,
        subject="Reservation confirmed – Zaytoun",
        html=_page(
            "Zaytoun",
            """<h2 style="font-family:Georgia,serif">Your table is reserved</h2>
<table cellpadding="4">
<tr><td>Date</td><td>Monday 9 September 2024</td></tr>
<tr><td>Time</td><td>19:30</td></tr>
<tr><td>Guests</td><td>2</td></tr>
<tr><td>Reservation no.</td><td>ZT-2291</td></tr>
</table>
<p>Please note that we hold the table for 15 minutes. Cancellation is free of charge
until 24 hours before your reservation.</p>""",
            "Zaytoun · Levantine kitchen · Weserstraße 61 · Berlin",
        ),
    ),
    Mail(
        mid="INC-20931.3@servicedesk.nordlicht-maps.de",
        date="2024-10-14 10:20 +0200",
        sender="IT Service Desk <servicedesk@nordlicht-maps.de>",
        to=WORK_ME,
        subject="[INC-20931] Your laptop replacement is ready",
        text="""Hello Yasmin,

your ticket INC-20931 has been updated: your replacement laptop (ThinkPad T14s Gen 4) is ready.

Please pick it up at the IT counter on the 4th floor, room 4.12, Monday to Friday 9:00-15:00. Bring your old laptop and its charger; your data will be copied on the spot (about 1 hour).

IT Service Desk""",
    ),
    # --- Reminders and newsletters that answer nothing we ask. --------------------------------
    Mail(
        mid="kgv-sonnenau-2024-04@kleingarten-sonnenau.de",
        date="2024-04-03 18:00 +0200",
        sender="KGV Sonnenau e.V. <vorstand@kleingarten-sonnenau.de>",
        to="Mitglieder <mitglieder@kleingarten-sonnenau.de>",
        subject="Club news April: water, work day, summer party",
        text="""Dear garden friends,

- The water will be turned on on 15 April. Please check your taps for frost damage.
- Our spring work day is on Saturday 27 April from 9:00. Every plot sends one person; if you cannot come, the fee is 30 €.
- Summer party: 13 July, with the children's flea market. Cakes are welcome.
- Reminder: no bonfires, no mowing on Sundays.

The board""",
    ),
    Mail(
        mid="reminder-mishmish-2024@tierarzt-ortiz.de",
        date="2024-01-29 08:00 +0100",
        sender="Tierarztpraxis Ortiz <praxis@tierarzt-ortiz.de>",
        to=ME,
        subject="Reminder: vaccination for Mishmish",
        text="""Dear Ms Khalil,

Mishmish's yearly vaccination is due in February. Please book an appointment by phone or online. Our opening hours: Mon-Fri 9-18, Sat 10-13.

Your vet practice Ortiz""",
    ),
    Mail(
        mid="sprout-issue-112@weeklysprout.com",
        date="2024-03-14 06:00 +0100",
        sender="The Weekly Sprout <hello@weeklysprout.com>",
        to=ME,
        subject="🌱 Issue 112: hedgehogs, garlic and the best hoe",
        html=_page(
            "The Weekly Sprout",
            """<h1>The Weekly Sprout</h1>
<h3>Make room for hedgehogs</h3>
<p>Leave a 13 cm gap under your fence and a pile of leaves in a corner.</p>
<h3>Garlic</h3>
<p>Autumn-planted garlic should show green shoots now. Weed carefully by hand.</p>
<h3>Tool of the week</h3>
<p>The oscillating hoe: 24.90 € in our shop, this week only.</p>""",
            'Unsubscribe: <a href="https://weeklysprout.com/u">weeklysprout.com/u</a>',
        ),
    ),
    Mail(
        mid="kiezrad-newsletter-2024-03@kiezrad.de",
        date="2024-03-01 09:00 +0100",
        sender="Kiezrad <news@kiezrad.de>",
        to=ME,
        subject="Spring service weeks at Kiezrad",
        text="""Hello cyclists,

spring is coming: during our service weeks in March we check brakes, gears and lights. Book online, appointments fill up fast. New this year: Saturday opening from 10:00 to 14:00.

Your Kiezrad team""",
    ),
    Mail(
        mid="github-notif-atlas-pr-482@github.com",
        date="2024-10-11 17:22 +0200",
        sender="Omar Saleh <notifications@github.com>",
        to=WORK_ME,
        subject="Re: [nordlicht/atlas] Cache geocoding results for 24 h (PR #482)",
        text="""Merged #482 into main.

--
Reply to this email directly or view it on GitHub:
https://github.com/nordlicht/atlas/pull/482""",
    ),
    Mail(
        mid="dkb-statement-2024-04@dkb.de",
        date="2024-05-03 04:12 +0200",
        sender="DKB <info@dkb.de>",
        to=ME,
        subject="Your account statement is ready",
        text="""Dear customer,

a new statement for your account ending in 4410 is available in your online banking.

For your security we never ask for your PIN or TAN by email.

DKB AG""",
    ),
    Mail(
        mid="li-digest-7731@linkedin.com",
        date="2024-06-05 08:44 +0200",
        sender="LinkedIn <messages-noreply@linkedin.com>",
        to=WORK_ME,
        subject="You appeared in 14 searches this week",
        html=_page(
            "LinkedIn",
            """<p>Yasmin, you appeared in 14 searches this week.</p>
<p>See who's looking: product managers, recruiters and 3 others.</p>
<p><a href="https://www.linkedin.com/me/search-appearances">See all searches</a></p>""",
            "LinkedIn Ireland Unlimited Company, Wilton Plaza, Dublin 2",
        ),
    ),
    Mail(
        mid="x9k2-parcel-hold@dhl-paket-zustellung.info",
        date="2024-07-08 03:17 +0200",
        sender="DHL Paket <service@dhl-paket-zustellung.info>",
        to=ME,
        subject="Your parcel is on hold – action required",
        html=_page(
            "Parcel",
            """<p>Dear customer,</p>
<p>your parcel could not be delivered because a customs fee of 1.99 EUR is unpaid.
Please pay within 24 hours or the parcel will be returned.</p>
<p><a href="http://dhl-paket-zustellung.info/pay">Pay now</a></p>""",
            "DHL",
        ),
    ),
    Mail(
        mid="thalia-ship-88120453@thalia.de",
        date="2024-04-19 12:40 +0200",
        sender="Thalia <bestellung@thalia.de>",
        to=ME,
        subject="Your order is on its way",
        text="""Hello Yasmin Khalil,

your order 88120453 has been shipped with DHL:

1 x Piranesi, Susanna Clarke (paperback), 14.00 €

Tracking number: 00340434161094223456

Your Thalia team""",
    ),
    Mail(
        mid="telekom-rechnung-2024-05@telekom.de",
        date="2024-05-06 05:30 +0200",
        sender="Telekom <rechnungonline@telekom.de>",
        to=ME,
        subject="Your Telekom bill for May 2024",
        text="""Dear Ms Khalil,

your bill for May 2024 is ready: 74.90 € (MagentaZuhause L and MagentaMobil S). The amount will be debited from your account on or after 14 May.

Your Telekom""",
    ),
    Mail(
        mid="vhs-herbst-2024@vhs-berlin.de",
        date="2024-07-15 10:00 +0200",
        sender="Volkshochschule <newsletter@vhs-berlin.de>",
        to=ME,
        subject="New in autumn: languages, cooking, computers",
        html=_page(
            "VHS",
            """<h2>Our autumn programme is online</h2>
<ul><li>Italian A1 for travellers</li><li>Vegan baking</li><li>Photography with your phone</li>
<li>Excel for beginners</li></ul>
<p>Registration opens on 1 August at 8:00.</p>""",
            "Volkshochschule Berlin Mitte",
        ),
    ),
    Mail(
        mid="zeit-der-morgen-2024-09-30@zeit.de",
        date="2024-09-30 06:00 +0200",
        sender="ZEIT ONLINE <newsletter@zeit.de>",
        to=ME,
        subject="Der Morgen: What the day brings",
        text="""Good morning,

today: the state elections and what they mean, a new study on four-day weeks, and why Berlin's libraries want longer opening hours.

Enjoy your day,
ZEIT ONLINE""",
        html=_page(
            "Der Morgen",
            """<p>Good morning,</p>
<p>today: the state elections and what they mean, a new study on four-day weeks, and why
Berlin's libraries want longer opening hours.</p>""",
            'ZEIT ONLINE GmbH · <a href="https://zeit.de/abmelden">Unsubscribe</a>',
        ),
    ),
]
