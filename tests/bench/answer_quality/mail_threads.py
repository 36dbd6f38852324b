# ruff: noqa: E501
# (Bodies are typed one line per paragraph, as senders type them; make_mail.py wraps them.)
"""English conversations in the inbox: the lease, the bathroom, flights, parties, the car.

Several threads change a value in a later reply (rent, price, start date, pick-up time):
the latest message holds the answer and every later message still quotes the old value.
"""

from __future__ import annotations

from make_mail import Mail

ME = "Yasmin Khalil <yasmin.khalil@posteo.de>"
KARIM = "Karim Khalil <karim.khalil@gmx.de>"
HADDAD = "Elias Haddad <e.haddad@haddad-immobilien.de>"
BAUER = "Jens Bauer <info@bauer-sanitaer.de>"
ANJA = "Anja Weber <anja.weber@web.de>"
RANA = "Rana Mansour <rana.mansour@gmail.com>"
PIETER = "Pieter de Vries <p.devries@geofleet.io>"
WORK_ME = "Yasmin Khalil <y.khalil@nordlicht-maps.de>"
BECKER = "Claudia Becker <c.becker@grundschule-am-park.de>"
DOGAN = "Mehmet Dogan <service@autohaus-klein.de>"
INES = "Ines Kraus <ines.kraus@posteo.de>"
MALAK = "Malak Haidar <malak.haidar@gmail.com>"
TAREK = "Tarek Aziz <tarek@khanaljanub.de>"
JONAS = "Jonas Richter <jonas.richter93@gmail.com>"
MARCO = "Marco Bellini <marco.bellini.guitar@gmail.com>"
NADIA = "Nadia Farouk <kanzlei@steuerbuero-farouk.de>"
LEILA = "Leila Mansouri <leila.mansouri@gmx.de>"

MAILS = [
    # --- Lease renewal: 1,190 offered, 1,160 asked, 1,175 agreed. ---------------------
    Mail(
        mid="20240304091203.5F2A@haddad-immobilien.de",
        date="2024-03-04 09:12 +0100",
        sender=HADDAD,
        to=ME,
        cc=KARIM,
        subject="Lease renewal Lindenstraße 14, 3rd floor left",
        text="""Dear Ms Khalil, dear Mr Khalil,

your lease for the flat at Lindenstraße 14 (3rd floor left) ends on 31 August 2024. I am happy to offer you a renewal for another 12 months from 1 September 2024.

Because of the higher costs for the building (the new roof and the insurance), I have to adjust the rent: the new total rent would be 1,190 euros per month, of which 960 euros cold rent and 230 euros service charges. Everything else stays as in the current contract.

Please let me know by 31 March whether you would like to renew.

Kind regards
Elias Haddad""",
        signature="Haddad Immobilien · Lindenstraße 2 · 10969 Berlin\nTel. 030 612 7780",
    ),
    Mail(
        mid="CAK7yv2pQm3xw1=sH@mail.posteo.de",
        date="2024-03-06 21:40 +0100",
        sender=ME,
        to=HADDAD,
        cc=KARIM,
        parent="20240304091203.5F2A@haddad-immobilien.de",
        text="""Dear Mr Haddad,

thank you for the offer, we would very much like to stay. The increase of 40 euros is quite a lot for us this year, though, as we are paying for the bathroom renovation ourselves. Could we agree on 1,160 euros in total? We would also prefer a renewal for 24 months, so that we can plan.

Best regards
Yasmin Khalil""",
    ),
    Mail(
        mid="20240311100512.7C1D@haddad-immobilien.de",
        date="2024-03-11 10:05 +0100",
        sender=HADDAD,
        to=ME,
        cc=KARIM,
        parent="CAK7yv2pQm3xw1=sH@mail.posteo.de",
        text="""Dear Ms Khalil,

I understand. I can go down to 1,175 euros in total (945 euros cold rent plus 230 euros service charges), and I agree to 24 months, so the lease runs until 31 August 2026. The deposit stays as it is.

My office will send you the contract addendum by post. Please sign both copies and send one back to us by 15 April.

Kind regards
Elias Haddad""",
        signature="Haddad Immobilien · Lindenstraße 2 · 10969 Berlin\nTel. 030 612 7780",
    ),
    Mail(
        mid="CAK7yv2r8Lw0d9=pT@mail.posteo.de",
        date="2024-03-11 12:31 +0100",
        sender=ME,
        to=HADDAD,
        cc=KARIM,
        parent="20240311100512.7C1D@haddad-immobilien.de",
        text="""Dear Mr Haddad,

that works for us, thank you very much! We will send the signed copy back as soon as it arrives.

Best regards
Yasmin""",
    ),
    # --- Bathroom: quote 8,400 with floor heating, 7,950 without; start 3 -> 10 June. ----
    Mail(
        mid="CAK7yv3a1Bq9r2=fE@mail.posteo.de",
        date="2024-04-08 19:02 +0200",
        sender=ME,
        to=BAUER,
        subject="Request for a quote: bathroom renovation Lindenstraße 14",
        text="""Dear Mr Bauer,

our neighbours in the house recommended you. We would like to renovate our bathroom (about 6 m²) this summer:

- walk-in shower instead of the bathtub, with a glass wall
- wall-hung toilet
- new floor and wall tiles, about 24 m² (we buy the tiles ourselves)
- a heated towel rail and a mirror cabinet with light
- underfloor heating, if it is not too expensive

Could you come and have a look? We are at home on weekday evenings after 18:00.

Kind regards
Yasmin Khalil""",
    ),
    Mail(
        mid="5e1c0b7f-2f0a-4a55-9d1e-bauer-0409@bauer-sanitaer.de",
        date="2024-04-09 07:48 +0200",
        sender=BAUER,
        to=ME,
        parent="CAK7yv3a1Bq9r2=fE@mail.posteo.de",
        text="""Dear Ms Khalil,

thank you for your request. I can come by on Thursday 11 April at 18:30. Please have the measurements of the window ready if you have them.

Best regards
Jens Bauer""",
        signature="Bauer Sanitär GmbH · Meisterbetrieb\nOranienstraße 140 · 10969 Berlin",
    ),
    Mail(
        mid="8a7b6c5d-quote-2024-117@bauer-sanitaer.de",
        date="2024-04-16 16:20 +0200",
        sender=BAUER,
        to=ME,
        subject="Quote 2024-117 bathroom renovation Lindenstraße 14",
        text="""Dear Ms Khalil,

thank you for your time last Thursday. As discussed, here is our quote no. 2024-117:

1. demolition and disposal (bathtub, tiles, old toilet): 1,200 €
2. plumbing, walk-in shower and wall-hung toilet: 3,650 €
3. tiling, labour only: 2,300 €
4. electrics for the towel rail and mirror cabinet: 800 €
5. underfloor heating (electric mat, 4 m²): 450 €

Total: 8,400 € including VAT. The tiles are not included, as you buy them yourselves. The works take about three weeks. We could start on 3 June.

Payment: 30 % at the start, 40 % after tiling, 30 % after the final inspection.

Best regards
Jens Bauer""",
        signature="Bauer Sanitär GmbH · Meisterbetrieb\nOranienstraße 140 · 10969 Berlin",
    ),
    Mail(
        mid="CAK7yv3c4Hx2k8=wA@mail.posteo.de",
        date="2024-04-17 20:15 +0200",
        sender=ME,
        to=BAUER,
        parent="8a7b6c5d-quote-2024-117@bauer-sanitaer.de",
        text="""Dear Mr Bauer,

thank you for the quote. We would like to go ahead, but without the underfloor heating. Could you confirm the new total? And is the start on 3 June firm? We need to arrange the showers elsewhere.

Kind regards
Yasmin Khalil""",
    ),
    Mail(
        mid="2c9d4e11-quote-2024-117-rev@bauer-sanitaer.de",
        date="2024-04-19 08:05 +0200",
        sender=BAUER,
        to=ME,
        parent="CAK7yv3c4Hx2k8=wA@mail.posteo.de",
        text="""Dear Ms Khalil,

without the underfloor heating the total comes to 7,950 € including VAT.

About the start: a job before yours is running late, so we have to start on 10 June instead of 3 June, I am sorry. On the first day the water will be off from 8:00 to 14:00.

Please confirm in writing and I will send you the order confirmation.

Best regards
Jens Bauer""",
        signature="Bauer Sanitär GmbH · Meisterbetrieb\nOranienstraße 140 · 10969 Berlin",
    ),
    Mail(
        mid="CAK7yv3e0Pz5m1=qB@mail.posteo.de",
        date="2024-04-19 12:40 +0200",
        sender=ME,
        to=BAUER,
        cc=KARIM,
        parent="2c9d4e11-quote-2024-117-rev@bauer-sanitaer.de",
        text="""Dear Mr Bauer,

confirmed: 7,950 € without the underfloor heating, start on 10 June. See you then!

Kind regards
Yasmin Khalil""",
    ),
    # --- Noah's party: pick-up moves from 17:30 to 18:00. ---------------------------------
    Mail(
        mid="CAF3n8Qx2Noah10@mail.gmail.com",
        date="2024-05-21 20:33 +0200",
        sender=ANJA,
        to="Eltern 4b <eltern-4b@lists.grundschule-am-park.de>",
        subject="Invitation: Noah turns 10 🎈",
        text="""Hi everyone,

Noah is turning 10 and would love to celebrate with his friends on Saturday 15 June from 14:00 to 17:30 at the Jump House trampoline park (Gneisenaustraße 41).

Please bring grip socks, they are compulsory (you can also buy them there for 3 €). Pick-up is at 17:30 at the entrance.

Please let me know by 8 June whether your child can come, and about any allergies. No presents needed, but if you want: Noah collects Pokémon cards.

Thanks!
Anja""",
    ),
    Mail(
        mid="CAK7yv4b9Lina=ok@mail.posteo.de",
        date="2024-05-22 07:10 +0200",
        sender=ME,
        to=ANJA,
        parent="CAF3n8Qx2Noah10@mail.gmail.com",
        text="""Hi Anja,

Lina would love to come! No allergies. Karim will drop her off and I will pick her up.

Yasmin""",
    ),
    Mail(
        mid="CAF3n8Qx7Update@mail.gmail.com",
        date="2024-06-10 18:02 +0200",
        sender=ANJA,
        to="Eltern 4b <eltern-4b@lists.grundschule-am-park.de>",
        parent="CAF3n8Qx2Noah10@mail.gmail.com",
        subject="Re: Invitation: Noah turns 10 🎈 (new pick-up time)",
        text="""Hi everyone,

a quick update for Saturday: because of the road closures for the bike race, pick-up is at 18:00 instead of 17:30. The party is in the Jump House room "Galaxy" on the first floor.

See you on Saturday!
Anja""",
    ),
    # --- Dina's hen party: sauna + Mezze Haus replaced by a cooking class. -----------------
    Mail(
        mid="CAJr5Hen1Party@mail.gmail.com",
        date="2024-05-13 22:14 +0200",
        sender=RANA,
        to="dina-friends@googlegroups.com",
        subject="Dina's hen party 🎉 (top secret!)",
        text="""Hello lovely people,

as promised, here are the plans for Dina's hen party on Saturday 1 June:

- 15:00 we meet at the Badeschiff for a sauna afternoon
- 19:30 dinner at Mezze Haus in Kreuzberg

It will be about 85 € per person (sauna, dinner and a gift for Dina). Please send the money by PayPal to rana.mansour@gmail.com by 24 May. Dress code: something pink!

Not a word to Dina please.
Rana""",
    ),
    Mail(
        mid="CAK7yv4d3Hen=in@mail.posteo.de",
        date="2024-05-14 08:01 +0200",
        sender=ME,
        to=RANA,
        parent="CAJr5Hen1Party@mail.gmail.com",
        text="""Hi Rana,

I'm in! I'll send the money today. Shall I bring some mini baklava?

Yasmin""",
    ),
    Mail(
        mid="CAJr5Hen3Change@mail.gmail.com",
        date="2024-05-27 19:45 +0200",
        sender=RANA,
        to="dina-friends@googlegroups.com",
        parent="CAK7yv4d3Hen=in@mail.posteo.de",
        subject="Re: Dina's hen party 🎉 (change of plan!)",
        text="""Hi all,

change of plan: the Badeschiff is closed for a private event on the 1st. Instead we are doing a cooking class at Kochschule Goldtopf, from 16:00 to 19:00, and we eat what we cook there, so no Mezze Haus. The price stays at 85 €.

Yasmin, the baklava would be perfect for dessert!

Rana""",
    ),
    # --- GeoFleet: higher API limit, 350 € -> 310 € a month. ------------------------------
    Mail(
        mid="0f1e2d3c.limit@geofleet.io",
        date="2024-10-08 14:22 +0200",
        sender=PIETER,
        to=WORK_ME,
        subject="GeoFleet API limit for Atlas",
        text="""Hi Yasmin,

good news: from 1 December we can raise your API limit to 1,200 requests per minute on the Fleet Plus tier. The upgrade costs 350 € per month more than your current plan, with a contract term of 12 months.

Let me know if you want to go ahead.

Best,
Pieter""",
        signature="Pieter de Vries · Account Manager · GeoFleet B.V.\nKeizersgracht 221, Amsterdam",
    ),
    Mail(
        mid="a3f0c2e1-atlas-geofleet@nordlicht-maps.de",
        date="2024-10-08 16:40 +0200",
        sender=WORK_ME,
        to=PIETER,
        parent="0f1e2d3c.limit@geofleet.io",
        text="""Hi Pieter,

thanks, that is good news. I need Hana's sign-off for anything of this size. Can you do 300 € per month? Then I can get it approved this week.

Best,
Yasmin""",
    ),
    Mail(
        mid="0f1e2d3c.offer2@geofleet.io",
        date="2024-10-10 09:15 +0200",
        sender=PIETER,
        to=WORK_ME,
        parent="a3f0c2e1-atlas-geofleet@nordlicht-maps.de",
        text="""Hi Yasmin,

I checked with our sales director: we can do 310 € per month if you sign before 31 October. The higher limit would be active from 1 December as planned.

Best,
Pieter""",
        signature="Pieter de Vries · Account Manager · GeoFleet B.V.\nKeizersgracht 221, Amsterdam",
    ),
    # --- Lina's class trip. ---------------------------------------------------------------
    Mail(
        mid="cb-4b-trip-0603@grundschule-am-park.de",
        date="2024-06-03 13:05 +0200",
        sender=BECKER,
        to="Eltern 4b <eltern-4b@lists.grundschule-am-park.de>",
        subject="Class trip to the Natural History Museum, Thursday 13 June",
        text="""Dear parents of 4b,

on Thursday 13 June our class goes to the Natural History Museum. We leave school at 8:15 by S-Bahn and will be back at around 13:30.

The trip costs 6 € per child (entrance and workshop). Please give the money to your child in an envelope with the name on it by Monday 10 June, together with the signed consent form that the children brought home on paper.

Please pack a lunch box and a drink, no glass bottles please.

Kind regards
Claudia Becker""",
    ),
    Mail(
        mid="CAK7yv5a2Trip=ok@mail.posteo.de",
        date="2024-06-04 07:32 +0200",
        sender=ME,
        to=BECKER,
        parent="cb-4b-trip-0603@grundschule-am-park.de",
        text="""Dear Mrs Becker,

Lina will bring the money and the signed form tomorrow.

Kind regards
Yasmin Khalil""",
    ),
    Mail(
        mid="cb-4b-trip-0611@grundschule-am-park.de",
        date="2024-06-11 15:20 +0200",
        sender=BECKER,
        to="Eltern 4b <eltern-4b@lists.grundschule-am-park.de>",
        parent="cb-4b-trip-0603@grundschule-am-park.de",
        text="""Dear parents,

thank you for the quick replies. Two parents will come with us on Thursday: Karim Khalil and Thomas (Emil's dad). Thank you both! Please be at the school gate at 8:00.

Kind regards
Claudia Becker""",
    ),
    # --- Car inspection at Autohaus Klein. ------------------------------------------------
    Mail(
        mid="CAK7yv5c8Golf=60k@mail.posteo.de",
        date="2024-06-18 09:10 +0200",
        sender=ME,
        to=DOGAN,
        subject="Inspection for the Golf B-KH 4471",
        text="""Hello Mr Dogan,

our Golf (B-KH 4471) is getting close to 60,000 km. Could we book the inspection for early July?

Best regards
Yasmin Khalil""",
    ),
    Mail(
        mid="AK-2024-06-19-0932.service@autohaus-klein.de",
        date="2024-06-19 09:32 +0200",
        sender=DOGAN,
        to=ME,
        parent="CAK7yv5c8Golf=60k@mail.posteo.de",
        text="""Dear Ms Khalil,

we can offer Wednesday 3 July: drop-off between 7:00 and 7:30, the car is ready at 16:00. The 60,000 km inspection costs 420 € according to the manufacturer's plan.

Last time we noted that the front brake pads were at 4 mm. If they need replacing, that is another 180 € or so, but we will call you first. A courtesy car is not available that day, sorry.

Kind regards
Mehmet Dogan""",
        signature="Mehmet Dogan · Service Advisor\nAutohaus Klein GmbH · 030 889 1200",
    ),
    Mail(
        mid="AK-2024-07-03-1544.service@autohaus-klein.de",
        date="2024-07-03 15:44 +0200",
        sender=DOGAN,
        to=ME,
        subject="Your Golf is ready",
        text="""Dear Ms Khalil,

your car is ready. Final invoice: 594.50 € (inspection 420 €, front brake pads 174.50 €, as agreed on the phone). You can pick it up until 18:30 today.

Kind regards
Mehmet Dogan""",
        signature="Mehmet Dogan · Service Advisor\nAutohaus Klein GmbH · 030 889 1200",
    ),
    # --- Book club: library cafe closed, moved to Malak's and to 4 April. -------------------
    Mail(
        mid="ines.k.2024-03-11.club@posteo.de",
        date="2024-03-11 18:20 +0100",
        sender=INES,
        to="Lesekreis <lesekreis@lists.posteo.de>",
        subject="Book club in March",
        text="""Hi all,

a reminder: we meet on Thursday 28 March at 19:30 at the library cafe to talk about "Tomorrow, and Tomorrow, and Tomorrow". Malak brings the snacks, as she picked the book.

Ines""",
    ),
    Mail(
        mid="CAMh7club2cafe@mail.gmail.com",
        date="2024-03-20 12:05 +0100",
        sender=MALAK,
        to="Lesekreis <lesekreis@lists.posteo.de>",
        parent="ines.k.2024-03-11.club@posteo.de",
        text="""Bad news: the library cafe is closed for renovation until mid-April. Let's meet at my flat instead, Wiener Straße 18, 3rd floor (ring "Haidar"). Same time.

Malak""",
    ),
    Mail(
        mid="tarek.2024-03-21@khanaljanub.de",
        date="2024-03-21 09:40 +0100",
        sender=TAREK,
        to="Lesekreis <lesekreis@lists.posteo.de>",
        parent="CAMh7club2cafe@mail.gmail.com",
        text="""Works for me, thanks Malak! Could we move it by one week to Thursday 4 April, though? I'm in Cairo on the 28th for the book fair.

Tarek""",
    ),
    Mail(
        mid="CAMh7club4final@mail.gmail.com",
        date="2024-03-22 21:10 +0100",
        sender=MALAK,
        to="Lesekreis <lesekreis@lists.posteo.de>",
        parent="tarek.2024-03-21@khanaljanub.de",
        text="""Everyone said yes, so: Thursday 4 April, 19:30, at my place. The next book pick is Tarek's.

Malak""",
    ),
    # --- Cat sitting during Greece. ---------------------------------------------------------
    Mail(
        mid="CAK7yv6a0Cat=sit@mail.posteo.de",
        date="2024-09-02 20:50 +0200",
        sender=ME,
        to=JONAS,
        subject="Mishmish 14–24 September?",
        text="""Hi Jonas,

could you look after Mishmish from 14 to 24 September? We leave very early on the 14th. As usual the key is under the plant pot.

She gets her flea spot-on on the 20th, the pipette is on the fridge.

Thanks!
Yasmin""",
    ),
    Mail(
        mid="CAJonas7cat2@mail.gmail.com",
        date="2024-09-03 11:26 +0200",
        sender=JONAS,
        to=ME,
        parent="CAK7yv6a0Cat=sit@mail.posteo.de",
        text="""Hi Yasmin,

yes, no problem! Since it's eleven days I'll come twice a day, as we do for longer trips. That makes 22 visits at 15 €, so 330 € in total. Is that ok?

Jonas""",
    ),
    Mail(
        mid="CAK7yv6c2Cat=ok@mail.posteo.de",
        date="2024-09-03 12:02 +0200",
        sender=ME,
        to=JONAS,
        parent="CAJonas7cat2@mail.gmail.com",
        text="""Perfect, thank you! I'll transfer half before we leave and the rest when we're back.

Y.""",
    ),
    # --- Guitar lesson moved. ---------------------------------------------------------------
    Mail(
        mid="CAMarco0312gig@mail.gmail.com",
        date="2024-03-12 10:17 +0100",
        sender=MARCO,
        to=ME,
        subject="Thursday's lesson",
        text="""Hi Yasmin!

I have to cancel Thursday's lesson (14 March), I'm playing a gig in Hamburg that evening. Could we do a make-up lesson on Saturday 16 March at 11:00 at the studio? Same price of course.

Ciao, Marco""",
    ),
    Mail(
        mid="CAK7yv6e5Sat=11@mail.posteo.de",
        date="2024-03-12 13:03 +0100",
        sender=ME,
        to=MARCO,
        parent="CAMarco0312gig@mail.gmail.com",
        text="""Saturday at 11 works, see you then! Good luck in Hamburg.

Yasmin""",
    ),
    # --- Accountant: missing papers, deadline 15 June -> 30 June. ---------------------------
    Mail(
        mid="sbf-2024-05-02-khalil@steuerbuero-farouk.de",
        date="2024-05-02 11:30 +0200",
        sender=NADIA,
        to=ME,
        subject="Your 2023 tax return: missing documents",
        text="""Dear Ms Khalil,

for your 2023 return I still need the following documents:

1. your Riester statement for 2023
2. the invoices of the after-school club
3. the list of home office days
4. the invoice for the roller shutter repair

Please upload them to the DATEV portal by 15 June.

Kind regards
Nadia Farouk""",
        signature="Steuerbüro Farouk · Kantstraße 90 · 10627 Berlin",
    ),
    Mail(
        mid="CAK7yv7a1Tax=docs@mail.posteo.de",
        date="2024-06-12 21:14 +0200",
        sender=ME,
        to=NADIA,
        parent="sbf-2024-05-02-khalil@steuerbuero-farouk.de",
        text="""Dear Ms Farouk,

I have uploaded everything except the Riester statement, which has not arrived yet. Should I ask the provider for it?

Kind regards
Yasmin Khalil""",
    ),
    Mail(
        mid="sbf-2024-06-13-khalil@steuerbuero-farouk.de",
        date="2024-06-13 09:02 +0200",
        sender=NADIA,
        to=ME,
        parent="CAK7yv7a1Tax=docs@mail.posteo.de",
        text="""Dear Ms Khalil,

yes, please request a copy from your Riester provider, they can send it as a PDF. If I have it by 30 June, I can still file in July and your refund should come before the summer holidays.

Kind regards
Nadia Farouk""",
        signature="Steuerbüro Farouk · Kantstraße 90 · 10627 Berlin",
    ),
    # --- Neighbour with a parcel. -----------------------------------------------------------
    Mail(
        mid="leila.m.2024-04-22@gmx.de",
        date="2024-04-22 16:48 +0200",
        sender=LEILA,
        to=ME,
        subject="Parcel for you",
        text="""Hi Yasmin,

the DHL driver left a small parcel from Thalia for you with me. I'm home until 21:00 today, then I have the night shift. Tomorrow I'm back after 14:00.

Leila""",
    ),
]
