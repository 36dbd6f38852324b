# ruff: noqa: E501
# (Bodies are typed one line per paragraph, as senders type them; make_mail.py wraps them.)
"""Arabic conversations in the inbox (UTF-8 bodies in base64 or quoted-printable, RFC 2047
subjects): the grandfather's 80th, the Saturday school, a dinner, Eid with Mum.

The party share (150 -> 200 euros) and the dinner time (7:30 -> 8) change in a later
message.
"""

from __future__ import annotations

from make_mail import Mail

ME = "ياسمين خليل <yasmin.khalil@posteo.de>"
KARIM = "كريم خليل <karim.khalil@gmx.de>"
SAMIR = "سمير النجار <samir.elnaggar@yahoo.com>"
NADER = "Nader Elnaggar <nader.elnaggar@outlook.com>"
FAMILY = "عيلة النجار <elnaggar-family@googlegroups.com>"
SCHOOL = "مدرسة الضاد <info@madrasat-aldad.de>"
MALAK = "Malak Haidar <malak.haidar@gmail.com>"
MAMA = "ماما <hanan.elnaggar@gmail.com>"

MAILS = [
    # --- Grandpa's 80th: each family's share goes from 150 to 200 euros. -----------------
    Mail(
        mid="1724140212.88231.samir@yahoo.com",
        date="2024-08-20 10:50 +0300",
        sender=SAMIR,
        to=FAMILY,
        subject="حفلة جدو الثمانين 🎂",
        cte="base64",
        attribution="ar",
        text="""أهلاً بالجميع،

حجزت القاعة في النادي اليوناني يوم الاثنين ٢١ أكتوبر الساعة السابعة مساءً. القاعة تتسع لستين شخصاً.

تكلفة القاعة والعشاء ٣٠٠٠ يورو، يعني على كل عائلة ١٥٠ يورو. أرجو التحويل على حسابي قبل ١ أكتوبر.

الهدية من الجميع: ساعة ذهبية، ونادر يشتريها من القاهرة.

سمير""",
    ),
    Mail(
        mid="CAKk9x1Karim80@mail.gmx.de",
        date="2024-08-20 19:22 +0200",
        sender=KARIM,
        to=FAMILY,
        parent="1724140212.88231.samir@yahoo.com",
        cte="base64",
        attribution="ar",
        text="""تمام يا عمي، الله يعطيك العافية. نحن جايين خمسة (أنا وياسمين والولاد وحماتي). سأحوّل المبلغ هذا الأسبوع.

كريم""",
    ),
    Mail(
        mid="1725958801.11907.samir@yahoo.com",
        date="2024-09-10 12:00 +0300",
        sender=SAMIR,
        to=FAMILY,
        parent="CAKk9x1Karim80@mail.gmx.de",
        cte="base64",
        attribution="ar",
        text="""تحديث مهم: النادي رفع سعر العشاء، فصارت التكلفة ٤٠٠٠ يورو بدل ٣٠٠٠. يعني على كل عائلة ٢٠٠ يورو بدل ١٥٠.

من حوّل ١٥٠ يحوّل الفرق ٥٠ يورو فقط. الموعد والمكان كما هما.

سمير""",
    ),
    Mail(
        mid="AM0PR06MB-nader-watch@outlook.com",
        date="2024-09-28 21:35 +0300",
        sender=NADER,
        to=FAMILY,
        parent="1725958801.11907.samir@yahoo.com",
        cte="base64",
        attribution="ar",
        text="""اشتريت الساعة اليوم من محل تيسو في سيتي ستارز بـ٦٥٠ يورو (دفعت بالجنيه). الفاتورة معي، وسأحضرها معي يوم الحفلة مغلفة.

نادر""",
    ),
    # --- Saturday school. --------------------------------------------------------------------
    Mail(
        mid="aldad-2024-08-28-start@madrasat-aldad.de",
        date="2024-08-28 17:00 +0200",
        sender=SCHOOL,
        to="أولياء الأمور <eltern@madrasat-aldad.de>",
        subject="بداية الفصل الجديد في مدرسة الضاد",
        cte="quoted-printable",
        attribution="ar",
        text="""أولياء الأمور الكرام،

يبدأ الفصل الجديد يوم السبت ١٤ سبتمبر الساعة العاشرة صباحاً.

التسجيل للفصل الجديد مفتوح حتى ٧ سبتمبر عبر النموذج على موقع المدرسة.

رحلة الأطفال إلى حديقة الحيوان يوم السبت ٥ أكتوبر، والمشاركة ١٠ يورو للطفل تُدفع للمعلمة.

مع التحية،
إدارة مدرسة الضاد""",
    ),
    Mail(
        mid="CAK7yvAr2aldad@mail.posteo.de",
        date="2024-08-29 08:15 +0200",
        sender=ME,
        to=SCHOOL,
        parent="aldad-2024-08-28-start@madrasat-aldad.de",
        cte="quoted-printable",
        attribution="ar",
        text="""السلام عليكم،

نسجّل لينا ويوسف للفصل الجديد، ويوسف ينتقل إلى المستوى الأول. سؤال: هل رحلة حديقة الحيوان تشمل الغداء؟

شكراً،
ياسمين خليل""",
    ),
    Mail(
        mid="aldad-2024-08-29-reply@madrasat-aldad.de",
        date="2024-08-29 19:40 +0200",
        sender=SCHOOL,
        to=ME,
        parent="CAK7yvAr2aldad@mail.posteo.de",
        cte="quoted-printable",
        attribution="ar",
        text="""وعليكم السلام،

الغداء غير مشمول في الرحلة، يحضر كل طفل طعامه وماءه. تم تسجيل الطفلين، ويوسف مع الأستاذة هبة مرة أخرى هذا الفصل.

مع التحية،
الإدارة""",
    ),
    # --- Dinner at Malak's: 7:30 becomes 8. ---------------------------------------------------
    Mail(
        mid="CAMh7dinner1@mail.gmail.com",
        date="2024-11-12 21:03 +0100",
        sender=MALAK,
        to=ME,
        subject="عشا عنا يوم الجمعة؟",
        cte="quoted-printable",
        attribution="ar",
        text="""يا هلا ياسمين،

عاملين عشا صغير يوم الجمعة ٢٢ نوفمبر الساعة ٧:٣٠ بالبيت. العنوان الجديد: شارع بوشكين ١٢، الطابق التاني. طابخين فريكة بالدجاج 😋

جيبوا الولاد معكن. وما تجيبوا شي غير حالكن!

ملك""",
    ),
    Mail(
        mid="CAK7yvAr5dinner@mail.posteo.de",
        date="2024-11-12 22:10 +0100",
        sender=ME,
        to=MALAK,
        parent="CAMh7dinner1@mail.gmail.com",
        cte="quoted-printable",
        attribution="ar",
        text="""أكيد جايين كلنا! بس ما فيني إجي بإيدي فاضية، رح جيب معي كنافة 😊""",
    ),
    Mail(
        mid="CAMh7dinner3@mail.gmail.com",
        date="2024-11-20 17:44 +0100",
        sender=MALAK,
        to=ME,
        parent="CAK7yvAr5dinner@mail.posteo.de",
        cte="quoted-printable",
        attribution="ar",
        text="""تغيير صغير: خلّينا نعملها الساعة ٨ بدل ٧:٣٠، لأن جوزي راجع متأخر من الشغل يوم الجمعة.

ملك""",
    ),
    # --- Eid with Mum (typed on a phone). -----------------------------------------------------
    Mail(
        mid="B1F0E6A2-EID-4C1B@gmail.com",
        date="2024-06-12 09:27 +0200",
        sender=MAMA,
        to=ME,
        subject="العيد",
        cte="base64",
        attribution="ar",
        text="""حبيبتي،

فطور العيد عندي بعد الصلاة متل كل سنة. خالتك منى جاية من بيروت يوم ١٤ ولغاية ٢٥ الشهر.

لا تنسي تجيبي الكعك من عند أبو سليم.

ماما""",
        signature="أُرسلت من الـ iPhone",
    ),
    Mail(
        mid="CAK7yvAr8eid@mail.posteo.de",
        date="2024-06-12 10:05 +0200",
        sender=ME,
        to=MAMA,
        parent="B1F0E6A2-EID-4C1B@gmail.com",
        cte="base64",
        attribution="ar",
        text="""حاضر ماما، رح جيب ٢ كيلو كعك بالتمر. ومين رح يجيب خالتو من المطار؟""",
    ),
    Mail(
        mid="7D3C9E10-EID-88AA@gmail.com",
        date="2024-06-12 11:48 +0200",
        sender=MAMA,
        to=ME,
        parent="CAK7yvAr8eid@mail.posteo.de",
        cte="base64",
        attribution="ar",
        text="""أخوكي رامز بيجيبها، طيارتها بتوصل الساعة ١١ بالليل.

ماما""",
        signature="أُرسلت من الـ iPhone",
    ),
]
