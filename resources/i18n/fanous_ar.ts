<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ar">
<context>
    <name>ActionLogBox</name>
    <message>
        <source>Action log: everything Fanous wrote for you</source>
        <translation>سجل الإجراءات: كل ما كتبه فانوس لك</translation>
    </message>
    <message>
        <source>Action log</source>
        <translation>سجل الإجراءات</translation>
    </message>
    <message>
        <source>When</source>
        <translation>متى</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>الإجراء</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>أين</translation>
    </message>
    <message>
        <source>Proposed by</source>
        <translation>اقترحه</translation>
    </message>
    <message>
        <source>Confirmed by</source>
        <translation>أكّده</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>No action has been carried out.</source>
        <translation>لم يُنفَّذ أي إجراء.</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>تراجع</translation>
    </message>
    <message>
        <source>Take the selected action back exactly</source>
        <translation>التراجع عن الإجراء المحدد كما كان تماما</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>تصدير…</translation>
    </message>
    <message>
        <source>done</source>
        <translation>تم</translation>
    </message>
    <message>
        <source>undone</source>
        <translation>تم التراجع</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>فشل</translation>
    </message>
    <message>
        <source>writing</source>
        <translation>قيد الكتابة</translation>
    </message>
    <message>
        <source>draft reply</source>
        <translation>مسودة رد</translation>
    </message>
    <message>
        <source>note</source>
        <translation>ملاحظة</translation>
    </message>
    <message>
        <source>section added</source>
        <translation>قسم مضاف</translation>
    </message>
    <message>
        <source>reminder</source>
        <translation>تذكير</translation>
    </message>
    <message numerus="yes">
        <source>{count} action(s) recorded.</source>
        <translation>
            <numerusform>لم يُسجَّل أي إجراء.</numerusform>
            <numerusform>سُجّل إجراء واحد.</numerusform>
            <numerusform>سُجّل إجراءان.</numerusform>
            <numerusform>سُجّلت {count} إجراءات.</numerusform>
            <numerusform>سُجّل {count} إجراءً.</numerusform>
            <numerusform>سُجّل {count} إجراء.</numerusform>
        </translation>
    </message>
    <message>
        <source>Undone: {target}</source>
        <translation>تم التراجع: {target}</translation>
    </message>
    <message numerus="yes">
        <source>Wrote {count} row(s) to {path}</source>
        <translation>
            <numerusform>لم يُكتب أي صف في {path}</numerusform>
            <numerusform>كُتب صف واحد في {path}</numerusform>
            <numerusform>كُتب صفان في {path}</numerusform>
            <numerusform>كُتبت {count} صفوف في {path}</numerusform>
            <numerusform>كُتب {count} صفًا في {path}</numerusform>
            <numerusform>كُتب {count} صف في {path}</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ActionsPart</name>
    <message>
        <source>Save to notes</source>
        <translation>احفظ في الملاحظات</translation>
    </message>
    <message>
        <source>Remind me</source>
        <translation>ذكّرني</translation>
    </message>
    <message>
        <source>Not proposed: {reason}</source>
        <translation>لم يُقترح: {reason}</translation>
    </message>
    <message>
        <source>Review: {what} (proposed by the model)</source>
        <translation>راجع: {what} (اقترحه النموذج)</translation>
    </message>
    <message>
        <source>Review: {what}</source>
        <translation>راجع: {what}</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>إجابة</translation>
    </message>
    <message>
        <source>Draft a reply</source>
        <translation>اكتب مسودة رد</translation>
    </message>
    <message>
        <source>What should the reply to “{title}” say? It is saved as a draft, never sent.</source>
        <translation>ماذا يقول الرد على «{title}»؟ يُحفظ مسودة ولا يُرسل أبدا.</translation>
    </message>
    <message>
        <source>Preparing the proposal…</source>
        <translation>جارٍ إعداد الاقتراح…</translation>
    </message>
    <message>
        <source>Saved: {target} (undo it in Settings › Privacy › Action log)</source>
        <translation>حُفظ: {target} (للتراجع: الإعدادات › الخصوصية › سجل الإجراءات)</translation>
    </message>
</context>
<context>
    <name>AppearancePage</name>
    <message>
        <source>A new language applies the next time Fanous starts.</source>
        <translation>تُطبَّق اللغة الجديدة عند تشغيل فانوس في المرة القادمة.</translation>
    </message>
    <message>
        <source>Colours</source>
        <translation>الألوان</translation>
    </message>
    <message>
        <source>Each message follows the direction of its own text: Arabic questions and answers read right to left. Scaling follows the screen&apos;s DPI.</source>
        <translation>تتبع كل رسالة اتجاه نصها: فالأسئلة والإجابات العربية تُقرأ من اليمين إلى اليسار. ويتبع التكبير دقة الشاشة (DPI).</translation>
    </message>
    <message>
        <source>Follow the system (now: {scheme})</source>
        <translation>تتبع النظام (الآن: {scheme})</translation>
    </message>
    <message>
        <source>Follows the language ({direction})</source>
        <translation>يتبع اللغة ({direction})</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>اللغة</translation>
    </message>
    <message>
        <source>Layout</source>
        <translation>التخطيط</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>لغة النظام</translation>
    </message>
    <message>
        <source>dark</source>
        <translation>داكن</translation>
    </message>
    <message>
        <source>left to right</source>
        <translation>من اليسار إلى اليمين</translation>
    </message>
    <message>
        <source>light</source>
        <translation>فاتح</translation>
    </message>
    <message>
        <source>right to left</source>
        <translation>من اليمين إلى اليسار</translation>
    </message>
    <message>
        <source>system default</source>
        <translation>إعداد النظام</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>غير معروف</translation>
    </message>
</context>
<context>
    <name>ChatPanel</name>
    <message>
        <source>Ask a question about your notes. Add a folder of notes first with File › Add notes folder…</source>
        <translation>اطرح سؤالًا عن ملاحظاتك. أضف أولًا مجلد ملاحظات من ملف › إضافة مجلد ملاحظات…</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>إرسال</translation>
    </message>
    <message>
        <source>Send the question (Enter)</source>
        <translation>أرسل السؤال (Enter)</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>إيقاف</translation>
    </message>
    <message>
        <source>Stop the answer, or the indexing (Esc)</source>
        <translation>أوقف الإجابة أو الفهرسة (Esc)</translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <source>Searching your notes…</source>
        <translation>جارٍ البحث في ملاحظاتك…</translation>
    </message>
    <message>
        <source>Your question starts when indexing finishes…</source>
        <translation>سيبدأ سؤالك حين تنتهي الفهرسة…</translation>
    </message>
    <message>
        <source>Stopping…</source>
        <translation>جارٍ الإيقاف…</translation>
    </message>
    <message numerus="yes">
        <source>Reading %n passage(s)…</source>
        <translation>
            <numerusform>لا مقاطع للقراءة…</numerusform>
            <numerusform>جارٍ قراءة مقطع واحد…</numerusform>
            <numerusform>جارٍ قراءة مقطعين…</numerusform>
            <numerusform>جارٍ قراءة %n مقاطع…</numerusform>
            <numerusform>جارٍ قراءة %n مقطعًا…</numerusform>
            <numerusform>جارٍ قراءة %n مقطع…</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking the answer against your notes…</source>
        <translation>جارٍ التحقق من الإجابة مقابل ملاحظاتك…</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>توقّف</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>تمت الإجابة</translation>
    </message>
    <message>
        <source>This answer is not in your history. {reason}</source>
        <translation>هذه الإجابة غير محفوظة في سجلّك. ⁨{reason}⁩</translation>
    </message>
    <message>
        <source>Answer interrupted</source>
        <translation>انقطعت الإجابة</translation>
    </message>
    <message>
        <source>No answer</source>
        <translation>لا إجابة</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>أُوقفت</translation>
    </message>
</context>
<context>
    <name>CloudPage</name>
    <message>
        <source>API key</source>
        <translation>مفتاح API</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>عنوان URL الأساسي</translation>
    </message>
    <message>
        <source>Cloud base URL</source>
        <translation>عنوان URL الأساسي للسحابة</translation>
    </message>
    <message>
        <source>Cloud escalation</source>
        <translation>التصعيد إلى السحابة</translation>
    </message>
    <message>
        <source>Cloud model</source>
        <translation>النموذج السحابي</translation>
    </message>
    <message>
        <source>Cloud provider</source>
        <translation>مزوّد السحابة</translation>
    </message>
    <message>
        <source>Confirm each escalation</source>
        <translation>تأكيد كل تصعيد</translation>
    </message>
    <message>
        <source>Escalate from score</source>
        <translation>التصعيد ابتداءً من الدرجة</translation>
    </message>
    <message>
        <source>Escalation threshold</source>
        <translation>عتبة التصعيد</translation>
    </message>
    <message>
        <source>Lower sends more hard tasks to the cloud model; higher keeps more on this computer. Never-send sources, the budget and the offline switch always win.</source>
        <translation>القيمة الأدنى ترسل مزيدًا من المهام الصعبة إلى النموذج السحابي، والأعلى تُبقي المزيد على هذا الجهاز. ولمصادر «ممنوع الإرسال» والميزانية ومفتاح العمل دون اتصال الكلمة الأخيرة دائمًا.</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>النموذج</translation>
    </message>
    <message>
        <source>Monthly budget</source>
        <translation>الميزانية الشهرية</translation>
    </message>
    <message>
        <source>Monthly budget in US dollars</source>
        <translation>الميزانية الشهرية بالدولار الأمريكي</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>المزوّد</translation>
    </message>
    <message>
        <source>Show what will be sent and ask each time</source>
        <translation>اعرض ما سيُرسل واسألني في كل مرة</translation>
    </message>
    <message>
        <source>The base URL must start with https:// (plain http:// only for a server on this computer, such as http://127.0.0.1:8000/v1).</source>
        <translation>يجب أن يبدأ العنوان الأساسي بـ https:// (لا يُقبل http:// إلا لخادم على هذا الجهاز، مثل http://127.0.0.1:8000/v1).</translation>
    </message>
    <message>
        <source>With cloud escalation off, every question is answered on this computer and nothing leaves it. When it is on, hard questions may go to a cloud model with your own API key; what is sent is minimised, and every request is written to the egress ledger (Privacy page).</source>
        <translation>حين يكون التصعيد إلى السحابة معطّلًا، يُجاب عن كل سؤال على هذا الجهاز ولا يغادره شيء. وحين يُفعَّل، قد تُرسل الأسئلة الصعبة إلى نموذج سحابي بمفتاح API الخاص بك؛ ويُقلَّص ما يُرسل إلى أدنى حد، ويُدوَّن كل طلب في سجل الصادر (صفحة الخصوصية).</translation>
    </message>
    <message>
        <source>stored in the OS keyring; leave empty to keep</source>
        <translation>يُحفظ في حلقة مفاتيح النظام؛ اتركه فارغًا للإبقاء على الحالي</translation>
    </message>
    <message>
        <source>the provider&apos;s default model</source>
        <translation>النموذج الافتراضي لدى المزوّد</translation>
    </message>
    <message>
        <source>the provider&apos;s own endpoint</source>
        <translation>نقطة الاتصال الخاصة بالمزوّد</translation>
    </message>
</context>
<context>
    <name>ConfirmAction</name>
    <message>
        <source>Save this draft reply?</source>
        <translation>أتحفظ مسودة الرد هذه؟</translation>
    </message>
    <message>
        <source>Save this note?</source>
        <translation>أتحفظ هذه الملاحظة؟</translation>
    </message>
    <message>
        <source>Add this section to the note?</source>
        <translation>أتضيف هذا القسم إلى الملاحظة؟</translation>
    </message>
    <message>
        <source>Save this reminder?</source>
        <translation>أتحفظ هذا التذكير؟</translation>
    </message>
    <message>
        <source>Carry out this action?</source>
        <translation>أتنفذ هذا الإجراء؟</translation>
    </message>
    <message>
        <source>Where: {where}</source>
        <translation>أين: {where}</translation>
    </message>
    <message numerus="yes">
        <source>{count} bytes</source>
        <translation>
            <numerusform>{count} بايت</numerusform>
            <numerusform>بايت واحد</numerusform>
            <numerusform>بايتان</numerusform>
            <numerusform>{count} بايتات</numerusform>
            <numerusform>{count} بايتًا</numerusform>
            <numerusform>{count} بايت</numerusform>
        </translation>
    </message>
    <message>
        <source>It is saved as a draft for you to send yourself: Fanous never sends mail.</source>
        <translation>يُحفظ مسودةً لترسلها أنت بنفسك: فانوس لا يرسل البريد أبدا.</translation>
    </message>
    <message>
        <source>What would be written</source>
        <translation>ما سيُكتب</translation>
    </message>
    <message>
        <source>Save draft</source>
        <translation>احفظ المسودة</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>احفظ</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Proposed by the model {model}: read it before you save it.</source>
        <translation>اقترحه النموذج {model}: اقرأه قبل أن تحفظه.</translation>
    </message>
    <message>
        <source>Ignored what it also asked for: {names}</source>
        <translation>تجاهلنا ما طلبه أيضا: {names}</translation>
    </message>
    <message>
        <source>Asked for by you ({via}).</source>
        <translation>طلبته أنت ({via}).</translation>
    </message>
</context>
<context>
    <name>ConfirmSend</name>
    <message>
        <source>Send this to the cloud?</source>
        <translation>أترسل هذا إلى السحابة؟</translation>
    </message>
    <message numerus="yes">
        <source>{count} passage(s)</source>
        <translation>
            <numerusform>لا مقاطع</numerusform>
            <numerusform>مقطع واحد</numerusform>
            <numerusform>مقطعان</numerusform>
            <numerusform>{count} مقاطع</numerusform>
            <numerusform>{count} مقطعًا</numerusform>
            <numerusform>{count} مقطع</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} bytes</source>
        <translation>
            <numerusform>{count} بايت</numerusform>
            <numerusform>بايت واحد</numerusform>
            <numerusform>بايتان</numerusform>
            <numerusform>{count} بايتات</numerusform>
            <numerusform>{count} بايتًا</numerusform>
            <numerusform>{count} بايت</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} value(s) pseudonymised</source>
        <translation>
            <numerusform>لم تُستبدل أي قيمة باسم مستعار</numerusform>
            <numerusform>قيمة واحدة استُبدلت باسم مستعار</numerusform>
            <numerusform>قيمتان استُبدلتا باسمين مستعارين</numerusform>
            <numerusform>{count} قيم استُبدلت بأسماء مستعارة</numerusform>
            <numerusform>{count} قيمة استُبدلت بأسماء مستعارة</numerusform>
            <numerusform>{count} قيمة استُبدلت بأسماء مستعارة</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} kept local (never-send)</source>
        <translation>
            <numerusform>لم يُستبقَ شيء محليًا</numerusform>
            <numerusform>مقطع واحد بقي محليًا (ممنوع الإرسال)</numerusform>
            <numerusform>مقطعان بقيا محليًا (ممنوع الإرسال)</numerusform>
            <numerusform>{count} مقاطع بقيت محليًا (ممنوع الإرسال)</numerusform>
            <numerusform>{count} مقطعًا بقيت محليًا (ممنوع الإرسال)</numerusform>
            <numerusform>{count} مقطع بقيت محليًا (ممنوع الإرسال)</numerusform>
        </translation>
    </message>
    <message>
        <source>This question may be answered better by a cloud model.</source>
        <translation>قد يجيب نموذج سحابي عن هذا السؤال إجابة أفضل.</translation>
    </message>
    <message>
        <source>{parts}. This is exactly what would be sent:</source>
        <translation>{parts}. وهذا بالضبط ما سيُرسل:</translation>
    </message>
    <message>
        <source>, </source>
        <translation>، </translation>
    </message>
    <message>
        <source>What would be sent</source>
        <translation>ما سيُرسل</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>إرسال</translation>
    </message>
    <message>
        <source>Keep it local</source>
        <translation>أبقِه على هذا الجهاز</translation>
    </message>
</context>
<context>
    <name>ConversationList</name>
    <message>
        <source>Search conversations</source>
        <translation>البحث في المحادثات</translation>
    </message>
    <message>
        <source>New chat (Ctrl+N)</source>
        <translation>محادثة جديدة (Ctrl+N)</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>محادثة جديدة</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>المحادثات</translation>
    </message>
    <message>
        <source>Click to open · F2 rename · Delete removes · right-click for more</source>
        <translation>انقر للفتح · F2 لإعادة التسمية · Delete للحذف · انقر بالزر الأيمن للمزيد</translation>
    </message>
    <message numerus="yes">
        <source>{count} Q</source>
        <comment>questions asked in a conversation</comment>
        <translation>
            <numerusform>بلا أسئلة</numerusform>
            <numerusform>سؤال واحد</numerusform>
            <numerusform>سؤالان</numerusform>
            <numerusform>{count} أسئلة</numerusform>
            <numerusform>{count} سؤالًا</numerusform>
            <numerusform>{count} سؤال</numerusform>
        </translation>
    </message>
    <message>
        <source>No matching conversations</source>
        <translation>لا محادثات مطابقة</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>إعادة تسمية المحادثة</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>العنوان:</translation>
    </message>
    <message>
        <source>this conversation</source>
        <translation>هذه المحادثة</translation>
    </message>
    <message>
        <source>Delete conversation</source>
        <translation>حذف المحادثة</translation>
    </message>
    <message>
        <source>Delete “{title}” and its messages?</source>
        <translation>أتحذف «{title}» ورسائلها؟</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>إعادة تسمية…</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>حذف…</translation>
    </message>
</context>
<context>
    <name>ConversationSidebar</name>
    <message>
        <source>Conversation deleted</source>
        <translation>حُذفت المحادثة</translation>
    </message>
</context>
<context>
    <name>EmbeddingGate</name>
    <message>
        <source>The new embedding model finds less</source>
        <translation>نموذج التضمين الجديد يجد أقل</translation>
    </message>
    <message>
        <source>Keep the previous model</source>
        <translation>أبقِ النموذج السابق</translation>
    </message>
    <message>
        <source>Use the new one anyway</source>
        <translation>استخدم الجديد على أي حال</translation>
    </message>
    <message>
        <source>Comparing the embedding models on your rated questions…</source>
        <translation>مقارنة نموذجَي التضمين على أسئلتك المقيَّمة…</translation>
    </message>
    <message>
        <source>Skip the check</source>
        <translation>تخطَّ الفحص</translation>
    </message>
    <message>
        <source>Checking the new embedding model</source>
        <translation>فحص نموذج التضمين الجديد</translation>
    </message>
    <message>
        <source>Comparing embedding models needs rated answers (👍, or The right answer is…): switched without a check</source>
        <translation>مقارنة نماذج التضمين تحتاج إلى إجابات مقيَّمة (👍، أو «الإجابة الصحيحة هي…»): جرى التبديل دون فحص</translation>
    </message>
    <message>
        <source>Check skipped: switched to the new embedding model</source>
        <translation>تُخطّي الفحص: جرى التبديل إلى نموذج التضمين الجديد</translation>
    </message>
    <message>
        <source>Kept the previous embedding model</source>
        <translation>أُبقي على نموذج التضمين السابق</translation>
    </message>
    <message>
        <source>The embedding models could not be compared: {why}</source>
        <translation>تعذّرت مقارنة نموذجَي التضمين: {why}</translation>
    </message>
    <message>
        <source>the new model is in use; Settings › Models switches back</source>
        <translation>النموذج الجديد قيد الاستخدام؛ يمكنك الرجوع من الإعدادات › النماذج</translation>
    </message>
</context>
<context>
    <name>FeedbackPart</name>
    <message>
        <source>👍 Good answer</source>
        <translation>👍 إجابة جيدة</translation>
    </message>
    <message>
        <source>👎 Wrong</source>
        <translation>👎 خاطئة</translation>
    </message>
    <message>
        <source>The right answer is…</source>
        <translation>الإجابة الصحيحة هي…</translation>
    </message>
    <message>
        <source>The right answer</source>
        <translation>الإجابة الصحيحة</translation>
    </message>
    <message>
        <source>What is the right answer to “{question}”? It is kept with this answer and joins your own evaluation set (fanous eval).</source>
        <translation>ما الإجابة الصحيحة عن «{question}»؟ تُحفظ مع هذه الإجابة وتنضم إلى مجموعة التقييم الخاصة بك (fanous eval).</translation>
    </message>
    <message>
        <source>Thank you: kept with this answer for your evaluation set</source>
        <translation>شكرًا: حُفظ مع هذه الإجابة في مجموعة التقييم الخاصة بك</translation>
    </message>
</context>
<context>
    <name>IndexRunner</name>
    <message>
        <source>Nothing indexed</source>
        <translation>لم يُفهرس شيء</translation>
    </message>
    <message>
        <source>Indexed (stopped): {summaries}</source>
        <translation>فُهرس (ثم أُوقف): ⁨{summaries}⁩</translation>
    </message>
    <message>
        <source>Indexed: {summaries}</source>
        <translation>فُهرس: ⁨{summaries}⁩</translation>
    </message>
    <message numerus="yes">
        <source>{count} file(s) could not be read: {shown}</source>
        <translation>
            <numerusform>تعذّرت قراءة {count} ملف: {shown}</numerusform>
            <numerusform>تعذّرت قراءة ملف واحد: {shown}</numerusform>
            <numerusform>تعذّرت قراءة ملفين: {shown}</numerusform>
            <numerusform>تعذّرت قراءة {count} ملفات: {shown}</numerusform>
            <numerusform>تعذّرت قراءة {count} ملفًا: {shown}</numerusform>
            <numerusform>تعذّرت قراءة {count} ملف: {shown}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> and {count} more</source>
        <translation>
            <numerusform> و{count} غيرها</numerusform>
            <numerusform> وملف آخر</numerusform>
            <numerusform> وملفان آخران</numerusform>
            <numerusform> و{count} ملفات أخرى</numerusform>
            <numerusform> و{count} ملفًا آخر</numerusform>
            <numerusform> و{count} ملف آخر</numerusform>
        </translation>
    </message>
    <message>
        <source>No notes folders yet: add one with File › Add notes folder…</source>
        <translation>لا مجلدات ملاحظات بعد: أضف مجلدًا من ملف › إضافة مجلد ملاحظات…</translation>
    </message>
    <message>
        <source>Indexing…</source>
        <translation>جارٍ الفهرسة…</translation>
    </message>
    <message>
        <source>Syncing mail…</source>
        <translation>جارٍ مزامنة البريد…</translation>
    </message>
    <message numerus="yes">
        <source>Indexing {done}/{count} files in {folder}…</source>
        <translation>
            <numerusform>فهرسة {done} من {count} ملف في {folder}…</numerusform>
            <numerusform>فهرسة {done} من ملف واحد في {folder}…</numerusform>
            <numerusform>فهرسة {done} من ملفين في {folder}…</numerusform>
            <numerusform>فهرسة {done} من {count} ملفات في {folder}…</numerusform>
            <numerusform>فهرسة {done} من {count} ملفًا في {folder}…</numerusform>
            <numerusform>فهرسة {done} من {count} ملف في {folder}…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Syncing mail: {done}/{count} messages…</source>
        <translation>
            <numerusform>مزامنة البريد: {done} من {count} رسالة…</numerusform>
            <numerusform>مزامنة البريد: {done} من رسالة واحدة…</numerusform>
            <numerusform>مزامنة البريد: {done} من رسالتين…</numerusform>
            <numerusform>مزامنة البريد: {done} من {count} رسائل…</numerusform>
            <numerusform>مزامنة البريد: {done} من {count} رسالة…</numerusform>
            <numerusform>مزامنة البريد: {done} من {count} رسالة…</numerusform>
        </translation>
    </message>
    <message>
        <source>No mail sources yet: add an account or mail on disk in Settings › Sources</source>
        <translation>لا مصادر بريد بعد: أضف حسابًا أو بريدًا على القرص من الإعدادات › المصادر</translation>
    </message>
    <message>
        <source>Mail synced: {summaries}</source>
        <translation>تمت مزامنة البريد: ⁨{summaries}⁩</translation>
    </message>
</context>
<context>
    <name>MailAccountsBox</name>
    <message>
        <source>Mail accounts (IMAP)</source>
        <translation>حسابات البريد (IMAP)</translation>
    </message>
    <message>
        <source>Mail accounts</source>
        <translation>حسابات البريد</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>الخادم</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>اسم المستخدم</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>كلمة المرور</translation>
    </message>
    <message>
        <source>stored in the OS keyring</source>
        <translation>تُحفظ في حلقة مفاتيح النظام</translation>
    </message>
    <message>
        <source>Folders</source>
        <translation>المجلدات</translation>
    </message>
    <message>
        <source>INBOX; * for all, comma separated</source>
        <translation>INBOX؛ أو * للجميع، مفصولة بفواصل</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>المنفذ</translation>
    </message>
    <message>
        <source>Security</source>
        <translation>الأمان</translation>
    </message>
    <message>
        <source>Add account</source>
        <translation>إضافة حساب</translation>
    </message>
    <message>
        <source>Add mail account</source>
        <translation>إضافة حساب بريد</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Remove mail account</source>
        <translation>إزالة حساب البريد</translation>
    </message>
    <message>
        <source>User</source>
        <translation>المستخدم</translation>
    </message>
    <message>
        <source>Server, user name and password are all needed</source>
        <translation>يلزم الخادم واسم المستخدم وكلمة المرور جميعًا</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>جارٍ الحفظ…</translation>
    </message>
    <message>
        <source>Added {name}; the password is in the keyring. Sync it with “Sync mail now”.</source>
        <translation>أُضيف {name}، وكلمة المرور في حلقة المفاتيح. زامنه بزر «مزامنة البريد الآن».</translation>
    </message>
    <message numerus="yes">
        <source>Removed {name} and {count} messages only it had</source>
        <translation>
            <numerusform>أُزيل {name}، ولم تكن فيه رسائل تخصّه وحده</numerusform>
            <numerusform>أُزيل {name} ومعه رسالة واحدة لم تكن إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه رسالتان لم تكونا إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه {count} رسائل لم تكن إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه {count} رسالة لم تكن إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه {count} رسالة لم تكن إلا فيه</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MailPathsBox</name>
    <message>
        <source>Add a mail folder</source>
        <translation>إضافة مجلد بريد</translation>
    </message>
    <message>
        <source>Add a mail file</source>
        <translation>إضافة ملف بريد</translation>
    </message>
    <message>
        <source>Mail (*.mbox *.mbx *.eml *.mbs);;All files (*)</source>
        <translation>البريد (*.mbox *.mbx *.eml *.mbs);;كل الملفات (*)</translation>
    </message>
    <message>
        <source>Mail on disk (mbox, Maildir, .eml)</source>
        <translation>بريد على القرص (mbox وMaildir و‎.eml)</translation>
    </message>
    <message>
        <source>Mail on disk</source>
        <translation>بريد على القرص</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>إضافة مجلد…</translation>
    </message>
    <message>
        <source>Add a Maildir or a folder of .eml files</source>
        <translation>أضف مجلد Maildir أو مجلدًا من ملفات ‎.eml</translation>
    </message>
    <message>
        <source>Add file…</source>
        <translation>إضافة ملف…</translation>
    </message>
    <message>
        <source>Add an mbox or .eml file</source>
        <translation>أضف ملف mbox أو ‎.eml</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Remove mail on disk</source>
        <translation>إزالة البريد من القرص</translation>
    </message>
    <message>
        <source>Indexing {path} in the background…</source>
        <translation>جارٍ فهرسة {path} في الخلفية…</translation>
    </message>
    <message numerus="yes">
        <source>Removed {name} and {count} messages only it had</source>
        <translation>
            <numerusform>أُزيل {name}، ولم تكن فيه رسائل تخصّه وحده</numerusform>
            <numerusform>أُزيل {name} ومعه رسالة واحدة لم تكن إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه رسالتان لم تكونا إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه {count} رسائل لم تكن إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه {count} رسالة لم تكن إلا فيه</numerusform>
            <numerusform>أُزيل {name} ومعه {count} رسالة لم تكن إلا فيه</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Fanous</source>
        <translation>فانوس</translation>
    </message>
    <message>
        <source>{message}. Search and answers work; nothing new can be saved.</source>
        <translation>⁨{message}⁩. البحث والإجابات تعمل، لكن لا يمكن حفظ أي جديد.</translation>
    </message>
    <message>
        <source>Could not open {path}</source>
        <translation>تعذّر فتح {path}</translation>
    </message>
    <message>
        <source>check that a program is set to open this kind of file</source>
        <translation>تأكّد من وجود برنامج مضبوط لفتح هذا النوع من الملفات</translation>
    </message>
    <message>
        <source>API key saved in the keyring</source>
        <translation>حُفظ مفتاح API في حلقة المفاتيح</translation>
    </message>
    <message numerus="yes">
        <source>Removed {count} notes from the index</source>
        <translation>
            <numerusform>لم تُحذف أي ملاحظة من الفهرس</numerusform>
            <numerusform>حُذفت ملاحظة واحدة من الفهرس</numerusform>
            <numerusform>حُذفت ملاحظتان من الفهرس</numerusform>
            <numerusform>حُذفت {count} ملاحظات من الفهرس</numerusform>
            <numerusform>حُذفت {count} ملاحظة من الفهرس</numerusform>
            <numerusform>حُذفت {count} ملاحظة من الفهرس</numerusform>
        </translation>
    </message>
    <message>
        <source>The new language applies the next time Fanous starts</source>
        <translation>تُطبَّق اللغة الجديدة عند تشغيل فانوس في المرة القادمة</translation>
    </message>
    <message>
        <source>Cloud escalation: on</source>
        <translation>التصعيد إلى السحابة: مفعّل</translation>
    </message>
    <message>
        <source>Cloud escalation: off</source>
        <translation>التصعيد إلى السحابة: معطّل</translation>
    </message>
</context>
<context>
    <name>MessageBanner</name>
    <message>
        <source>Something went wrong: {error}</source>
        <translation>حدث خطأ: ⁨{error}⁩</translation>
    </message>
    <message>
        <source>Try again; if it keeps happening, the log file has the details</source>
        <translation>أعد المحاولة؛ وإن تكرّر الخطأ فستجد التفاصيل في ملف السجل</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>رسالة</translation>
    </message>
    <message>
        <source>Dismiss message</source>
        <translation>إغلاق الرسالة</translation>
    </message>
    <message>
        <source>{message}
What to do: {fix}</source>
        <translation>{message}
ما العمل: ⁨{fix}⁩</translation>
    </message>
</context>
<context>
    <name>ModelsPage</name>
    <message>
        <source>An Ollama embedding model (e.g. bge-m3) to use instead; passages are embedded again in the background and search keeps working meanwhile.</source>
        <translation>نموذج تضمين من Ollama (مثل bge-m3) يُستخدم بدلًا منه؛ تُضمَّن المقاطع من جديد في الخلفية ويبقى البحث عاملًا في أثناء ذلك.</translation>
    </message>
    <message>
        <source>Detecting the hardware…</source>
        <translation>جارٍ التعرّف على العتاد…</translation>
    </message>
    <message>
        <source>Detecting…</source>
        <translation>جارٍ التعرّف…</translation>
    </message>
    <message>
        <source>Embedded model</source>
        <translation>النموذج المدمج</translation>
    </message>
    <message>
        <source>Embedding model</source>
        <translation>نموذج التضمين</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>المحرك</translation>
    </message>
    <message>
        <source>For this machine: {model} with Ollama ({reason}); without Ollama the embedded {fallback} answers.</source>
        <translation>لهذا الجهاز: ⁨{model}⁩ عبر Ollama (⁨{reason}⁩)؛ ومن دون Ollama يجيب النموذج المدمج ⁨{fallback}⁩.</translation>
    </message>
    <message>
        <source>Free the model&apos;s memory when Fanous quits</source>
        <translation>تحرير ذاكرة النموذج عند إغلاق فانوس</translation>
    </message>
    <message>
        <source>Local engine</source>
        <translation>المحرك المحلي</translation>
    </message>
    <message>
        <source>Ollama address</source>
        <translation>عنوان Ollama</translation>
    </message>
    <message>
        <source>Ollama keeps the model loaded for 30 minutes so answers start at once; on, Fanous gives its (GPU) memory back when you quit.</source>
        <translation>يُبقي Ollama النموذج محمّلًا ثلاثين دقيقة لتبدأ الإجابات فورًا؛ عند تفعيل هذا الخيار يعيد فانوس ذاكرته (ذاكرة المعالج الرسومي) عند الإغلاق.</translation>
    </message>
    <message>
        <source>Ollama model</source>
        <translation>نموذج Ollama</translation>
    </message>
    <message>
        <source>Recommended</source>
        <translation>المُوصى به</translation>
    </message>
    <message>
        <source>The embedded model runs on this machine without anything to install.</source>
        <translation>يعمل النموذج المدمج على هذا الجهاز دون تثبيت أي شيء.</translation>
    </message>
    <message>
        <source>This machine</source>
        <translation>هذا الجهاز</translation>
    </message>
    <message>
        <source>auto: Ollama when it runs, else the embedded model. Nothing is downloaded.</source>
        <translation>auto: يُستخدم Ollama إن كان يعمل، وإلا فالنموذج المدمج. لا يُنزَّل أي شيء.</translation>
    </message>
    <message>
        <source>built in: multilingual E5-small (offline)</source>
        <translation>المدمج: ‏E5-small متعدد اللغات (دون اتصال)</translation>
    </message>
    <message>
        <source>the first chat model Ollama has</source>
        <translation>أول نموذج محادثة لدى Ollama</translation>
    </message>
</context>
<context>
    <name>MonitorPage</name>
    <message>
        <source>Monitor</source>
        <translation>المراقبة</translation>
    </message>
    <message>
        <source>Reading the turn log…</source>
        <translation>جارٍ قراءة سجل الأدوار…</translation>
    </message>
    <message>
        <source>Answer time per model</source>
        <translation>زمن الإجابة لكل نموذج</translation>
    </message>
    <message>
        <source>Tokens per second per model</source>
        <translation>الرموز في الثانية لكل نموذج</translation>
    </message>
    <message>
        <source>Turns per day: local and cloud</source>
        <translation>الأدوار في اليوم: محلي وسحابي</translation>
    </message>
    <message>
        <source>Cloud spend this month</source>
        <translation>إنفاق السحابة هذا الشهر</translation>
    </message>
    <message>
        <source>Nothing spent on the cloud this month</source>
        <translation>لا إنفاق على السحابة هذا الشهر</translation>
    </message>
    <message>
        <source>Failed turns per day</source>
        <translation>الأدوار الفاشلة في اليوم</translation>
    </message>
    <message>
        <source>Evaluate…</source>
        <translation>قيّم…</translation>
    </message>
    <message>
        <source>Ask your rated questions and the shipped set of each local model</source>
        <translation>اطرح أسئلتك المقيَّمة والمجموعة المرفقة على كل نموذج محلي</translation>
    </message>
    <message>
        <source>Include the cloud model this time</source>
        <translation>أدرج النموذج السحابي هذه المرة</translation>
    </message>
    <message>
        <source>Turn cloud escalation on to evaluate the cloud</source>
        <translation>فعّل التصعيد إلى السحابة لتقييم السحابة</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>تحديث</translation>
    </message>
    <message>
        <source>No turns yet: ask something, then look again.</source>
        <translation>لا أدوار بعد: اسأل شيئًا ثم انظر مجددًا.</translation>
    </message>
    <message>
        <source>{turns} turns: {local} local, {cloud} cloud ({share:.0%} local); {failures} failed, {retries} retries. Cloud spend this month: ${spent:.4f} of ${budget:.2f}.</source>
        <translation>{turns} دورًا: {local} محلي، {cloud} سحابي ({share:.0%} محلي)؛ {failures} فشل، {retries} إعادة. إنفاق السحابة هذا الشهر: ${spent:.4f} من ${budget:.2f}.</translation>
    </message>
    <message>
        <source>{engine}/{model} ({route}): {turns} turns, first token {first}, {speed} tok/s, {failures} failed</source>
        <translation>{engine}/{model} ({route}): {turns} دورًا، أول رمز {first}، {speed} رمز/ث، {failures} فشل</translation>
    </message>
    <message>
        <source>local</source>
        <translation>محلي</translation>
    </message>
    <message>
        <source>cloud</source>
        <translation>سحابي</translation>
    </message>
    <message>
        <source>budget ${amount:.2f}</source>
        <translation>الميزانية ${amount:.2f}</translation>
    </message>
    <message>
        <source>spent</source>
        <translation>المُنفَق</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>فشل</translation>
    </message>
</context>
<context>
    <name>OllamaModelsBox</name>
    <message>
        <source>Ollama models</source>
        <translation>نماذج Ollama</translation>
    </message>
    <message>
        <source>Looking for Ollama…</source>
        <translation>جارٍ البحث عن Ollama…</translation>
    </message>
    <message>
        <source>Installed Ollama models</source>
        <translation>نماذج Ollama المثبّتة</translation>
    </message>
    <message>
        <source>Model to pull</source>
        <translation>النموذج المراد تنزيله</translation>
    </message>
    <message>
        <source>a model name, e.g. llama3.2:1b</source>
        <translation>اسم نموذج، مثل llama3.2:1b</translation>
    </message>
    <message>
        <source>Pull</source>
        <translation>تنزيل</translation>
    </message>
    <message>
        <source>Pull Ollama model</source>
        <translation>تنزيل نموذج Ollama</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>إلغاء</translation>
    </message>
    <message>
        <source>Cancel pull</source>
        <translation>إلغاء التنزيل</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Remove Ollama model</source>
        <translation>إزالة نموذج Ollama</translation>
    </message>
    <message>
        <source>Roll back</source>
        <translation>استرجاع السابق</translation>
    </message>
    <message>
        <source>Roll back Ollama model</source>
        <translation>استرجاع الإصدار السابق من نموذج Ollama</translation>
    </message>
    <message>
        <source>Pull progress</source>
        <translation>تقدّم التنزيل</translation>
    </message>
    <message>
        <source>Open download page</source>
        <translation>فتح صفحة التنزيل</translation>
    </message>
    <message>
        <source>Open the Ollama download page in the browser</source>
        <translation>فتح صفحة تنزيل Ollama في المتصفح</translation>
    </message>
    <message>
        <source>Opens ollama.com in your browser; nothing is downloaded</source>
        <translation>يفتح ollama.com في متصفحك؛ لا يُنزَّل أي شيء</translation>
    </message>
    <message>
        <source>{message}
What to do: {fix}</source>
        <translation>{message}
ما العمل: ⁨{fix}⁩</translation>
    </message>
    <message>
        <source>Pulling {name}…</source>
        <translation>جارٍ تنزيل {name}…</translation>
    </message>
    <message>
        <source>installed</source>
        <translation>ثُبّت</translation>
    </message>
    <message>
        <source>updated (the previous version is kept for a rollback)</source>
        <translation>حُدّث (مع الاحتفاظ بالإصدار السابق للاسترجاع)</translation>
    </message>
    <message>
        <source>already up to date</source>
        <translation>محدّث أصلًا</translation>
    </message>
    <message>
        <source>cancelled; pulling again resumes where it stopped</source>
        <translation>أُلغي؛ وإعادة التنزيل تستأنف من حيث توقّف</translation>
    </message>
    <message>
        <source>Removed {names}</source>
        <translation>أُزيل {names}</translation>
    </message>
    <message>
        <source>{name}: rolled back</source>
        <translation>{name}: استُرجع الإصدار السابق</translation>
    </message>
</context>
<context>
    <name>Onboarding</name>
    <message>
        <source>Set up Fanous</source>
        <translation>إعداد فانوس</translation>
    </message>
    <message>
        <source>Skip setup</source>
        <translation>تخطّي الإعداد</translation>
    </message>
    <message>
        <source>Indexing…</source>
        <translation>جارٍ الفهرسة…</translation>
    </message>
    <message numerus="yes">
        <source>Indexing {done}/{count} files in {folder}…</source>
        <translation>
            <numerusform>فهرسة {done} من {count} ملف في {folder}…</numerusform>
            <numerusform>فهرسة {done} من ملف واحد في {folder}…</numerusform>
            <numerusform>فهرسة {done} من ملفين في {folder}…</numerusform>
            <numerusform>فهرسة {done} من {count} ملفات في {folder}…</numerusform>
            <numerusform>فهرسة {done} من {count} ملفًا في {folder}…</numerusform>
            <numerusform>فهرسة {done} من {count} ملف في {folder}…</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PermissionsBox</name>
    <message>
        <source>Let actions write here (each one confirmed by you):</source>
        <translation>اسمح للإجراءات بالكتابة هنا (تؤكد أنت كل واحد منها):</translation>
    </message>
    <message>
        <source>May write drafts or notes</source>
        <translation>يجوز كتابة المسودات أو الملاحظات</translation>
    </message>
    <message>
        <source>Every source is read only.</source>
        <translation>كل المصادر للقراءة فقط.</translation>
    </message>
    <message>
        <source>{label}: save drafts</source>
        <translation>{label}: حفظ المسودات</translation>
    </message>
    <message>
        <source>{label}: write notes</source>
        <translation>{label}: كتابة الملاحظات</translation>
    </message>
</context>
<context>
    <name>PrivacyPage</name>
    <message>
        <source>Offline: nothing leaves this computer</source>
        <translation>دون اتصال: لا يغادر شيء هذا الجهاز</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>دون اتصال</translation>
    </message>
    <message>
        <source>Sources never sent to the cloud</source>
        <translation>مصادر لا تُرسل أبدًا إلى السحابة</translation>
    </message>
    <message>
        <source>Never send these folders or files</source>
        <translation>لا تُرسل هذه المجلدات أو الملفات أبدًا</translation>
    </message>
    <message>
        <source>One folder or file per line</source>
        <translation>مجلد أو ملف واحد في كل سطر</translation>
    </message>
    <message>
        <source>Egress ledger</source>
        <translation>سجل الصادر</translation>
    </message>
    <message>
        <source>When</source>
        <translation>الوقت</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>المزوّد</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>النموذج</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>المُرسَل</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>التكلفة</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>الحالة</translation>
    </message>
    <message>
        <source>Nothing has left this computer.</source>
        <translation>لم يغادر شيء هذا الجهاز.</translation>
    </message>
    <message>
        <source>Never send passages from these sources:</source>
        <translation>لا تُرسل أبدًا مقاطع من هذه المصادر:</translation>
    </message>
    <message>
        <source>Also never send these folders or files:</source>
        <translation>ولا تُرسل أبدًا هذه المجلدات أو الملفات أيضًا:</translation>
    </message>
    <message>
        <source>Egress ledger: every request that left this computer</source>
        <translation>سجل الصادر: كل طلب غادر هذا الجهاز</translation>
    </message>
    <message>
        <source>notes folder</source>
        <translation>مجلد ملاحظات</translation>
    </message>
    <message>
        <source>mail path</source>
        <translation>مسار بريد</translation>
    </message>
    <message>
        <source>IMAP account</source>
        <translation>حساب IMAP</translation>
    </message>
    <message>
        <source>IMAP folder</source>
        <translation>مجلد IMAP</translation>
    </message>
    <message>
        <source>{label} ({kind})</source>
        <translation>{label} ({kind})</translation>
    </message>
    <message numerus="yes">
        <source>{count} request(s) recorded.</source>
        <translation>
            <numerusform>لم يُسجَّل أي طلب.</numerusform>
            <numerusform>سُجّل طلب واحد.</numerusform>
            <numerusform>سُجّل طلبان.</numerusform>
            <numerusform>سُجّلت {count} طلبات.</numerusform>
            <numerusform>سُجّل {count} طلبًا.</numerusform>
            <numerusform>سُجّل {count} طلب.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PromptEdit</name>
    <message>
        <source>Question</source>
        <translation>السؤال</translation>
    </message>
    <message>
        <source>Ask about your notes…  (Enter sends, Shift+Enter: new line)</source>
        <translation>اسأل عن ملاحظاتك…  (Enter للإرسال، Shift+Enter لسطر جديد)</translation>
    </message>
</context>
<context>
    <name>QWidget</name>
    <message>
        <source>Export the action log</source>
        <translation>تصدير سجل الإجراءات</translation>
    </message>
</context>
<context>
    <name>RouteIndicator</name>
    <message>
        <source>Route</source>
        <translation>المسار</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>دون اتصال</translation>
    </message>
    <message>
        <source>Cloud escalation on</source>
        <translation>التصعيد إلى السحابة مفعّل</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>محلي</translation>
    </message>
    <message>
        <source>Offline: nothing leaves this computer, whatever else is set.</source>
        <translation>دون اتصال: لا يغادر شيء هذا الجهاز، مهما كانت الإعدادات الأخرى.</translation>
    </message>
    <message>
        <source>Cloud escalation is on: hard questions may go to a cloud model.</source>
        <translation>التصعيد إلى السحابة مفعّل: قد تُرسل الأسئلة الصعبة إلى نموذج سحابي.</translation>
    </message>
    <message>
        <source>Cloud escalation is off: nothing leaves this computer.</source>
        <translation>التصعيد إلى السحابة معطّل: لا يغادر شيء هذا الجهاز.</translation>
    </message>
    <message>
        <source>local</source>
        <translation>محلي</translation>
    </message>
    <message>
        <source>cloud</source>
        <translation>سحابي</translation>
    </message>
    <message>
        <source>Last answer: {kind} — {reason}</source>
        <translation>آخر إجابة: {kind} — ⁨{reason}⁩</translation>
    </message>
    <message>
        <source>Engine: {engine} · model: {model}</source>
        <translation>المحرك: {engine} · النموذج: {model}</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Fanous settings</source>
        <translation>إعدادات فانوس</translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation>صفحات الإعدادات</translation>
    </message>
    <message>
        <source>Sources</source>
        <translation>المصادر</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>النماذج</translation>
    </message>
    <message>
        <source>Cloud</source>
        <translation>السحابة</translation>
    </message>
    <message>
        <source>Privacy</source>
        <translation>الخصوصية</translation>
    </message>
    <message>
        <source>Appearance</source>
        <translation>المظهر</translation>
    </message>
</context>
<context>
    <name>SourcesPage</name>
    <message>
        <source>Add notes folder</source>
        <translation>إضافة مجلد ملاحظات</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>إضافة…</translation>
    </message>
    <message>
        <source>Fetch new IMAP mail and re-read mail on disk</source>
        <translation>اجلب بريد IMAP الجديد وأعد قراءة البريد على القرص</translation>
    </message>
    <message>
        <source>Notes folders</source>
        <translation>مجلدات الملاحظات</translation>
    </message>
    <message>
        <source>Progress shows in the status bar; the window stays usable.</source>
        <translation>يظهر التقدّم في شريط الحالة، وتبقى النافذة قابلة للاستخدام.</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>إزالة</translation>
    </message>
    <message>
        <source>Remove notes folder</source>
        <translation>إزالة مجلد الملاحظات</translation>
    </message>
    <message>
        <source>Sync mail now</source>
        <translation>مزامنة البريد الآن</translation>
    </message>
</context>
<context>
    <name>SourcesPanel</name>
    <message>
        <source>Sources</source>
        <translation>المصادر</translation>
    </message>
    <message>
        <source>Cited passage</source>
        <translation>المقطع المُستشهد به</translation>
    </message>
    <message>
        <source>Select a source to see the passage it cites.</source>
        <translation>اختر مصدرًا لترى المقطع الذي يستشهد به.</translation>
    </message>
    <message>
        <source>Open in default app</source>
        <translation>فتح في التطبيق الافتراضي</translation>
    </message>
    <message>
        <source>Open note in the default app</source>
        <translation>فتح الملاحظة في التطبيق الافتراضي</translation>
    </message>
    <message>
        <source>Draft a reply</source>
        <translation>اكتب مسودة رد</translation>
    </message>
    <message>
        <source>Write a reply to this message, saved as a draft</source>
        <translation>اكتب ردا على هذه الرسالة يُحفظ مسودة</translation>
    </message>
    <message>
        <source>Remind me</source>
        <translation>ذكّرني</translation>
    </message>
    <message>
        <source>A reminder from the date and time it mentions</source>
        <translation>تذكير من التاريخ والوقت المذكورين فيه</translation>
    </message>
    <message>
        <source>Mail: {title}</source>
        <translation>بريد: {title}</translation>
    </message>
    <message>
        <source>{where}  ·  characters {start}–{end}</source>
        <translation>{where}  ·  المحارف {start}–{end}</translation>
    </message>
    <message>
        <source>  ·  the note changed since</source>
        <translation>  ·  تغيّرت الملاحظة منذئذ</translation>
    </message>
    <message>
        <source>From: {sender}
Date: {date}
Subject: {subject}</source>
        <translation>من: {sender}
التاريخ: {date}
الموضوع: {subject}</translation>
    </message>
    <message>
        <source>(unknown sender)</source>
        <translation>(مرسل غير معروف)</translation>
    </message>
    <message>
        <source>(no date)</source>
        <translation>(بلا تاريخ)</translation>
    </message>
    <message>
        <source>(no subject)</source>
        <translation>(بلا موضوع)</translation>
    </message>
    <message>
        <source>  ·  the note could not be read</source>
        <translation>  ·  تعذّرت قراءة الملاحظة</translation>
    </message>
</context>
<context>
    <name>StatusFields</name>
    <message>
        <source>CPU only</source>
        <translation>المعالج المركزي فقط</translation>
    </message>
    <message>
        <source>GPU: {name} ({backend})</source>
        <translation>المعالج الرسومي: {name} ({backend})</translation>
    </message>
    <message>
        <source>Engine: …</source>
        <translation>المحرك: …</translation>
    </message>
    <message>
        <source>Engine and model</source>
        <translation>المحرك والنموذج</translation>
    </message>
    <message>
        <source>GPU: …</source>
        <translation>المعالج الرسومي: …</translation>
    </message>
    <message>
        <source>GPU in use</source>
        <translation>المعالج الرسومي المستخدم</translation>
    </message>
    <message>
        <source>Index: …</source>
        <translation>الفهرس: …</translation>
    </message>
    <message>
        <source>Index state</source>
        <translation>حالة الفهرس</translation>
    </message>
    <message>
        <source>Indexing progress</source>
        <translation>تقدّم الفهرسة</translation>
    </message>
    <message>
        <source>Passages ready for search by meaning</source>
        <translation>المقاطع الجاهزة للبحث بالمعنى</translation>
    </message>
    <message>
        <source>Local engine: {name}
Model: {model}</source>
        <translation>المحرك المحلي: {name}
النموذج: {model}</translation>
    </message>
    <message>
        <source>Engine: not ready</source>
        <translation>المحرك: غير جاهز</translation>
    </message>
    <message>
        <source>GPU: {share} % of {model}</source>
        <translation>المعالج الرسومي: {share}٪ من {model}</translation>
    </message>
    <message>
        <source>Model on CPU</source>
        <translation>النموذج على المعالج المركزي</translation>
    </message>
    <message numerus="yes">
        <source>{count} notes indexed</source>
        <translation>
            <numerusform>لا ملاحظات مفهرسة</numerusform>
            <numerusform>ملاحظة واحدة مفهرسة</numerusform>
            <numerusform>ملاحظتان مفهرستان</numerusform>
            <numerusform>{count} ملاحظات مفهرسة</numerusform>
            <numerusform>{count} ملاحظة مفهرسة</numerusform>
            <numerusform>{count} ملاحظة مفهرسة</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{notes} notes, {count} messages indexed</source>
        <translation>
            <numerusform>{notes} ملاحظة، ولا رسائل مفهرسة</numerusform>
            <numerusform>{notes} ملاحظة ورسالة واحدة مفهرسة</numerusform>
            <numerusform>{notes} ملاحظة ورسالتان مفهرستان</numerusform>
            <numerusform>{notes} ملاحظة و{count} رسائل مفهرسة</numerusform>
            <numerusform>{notes} ملاحظة و{count} رسالة مفهرسة</numerusform>
            <numerusform>{notes} ملاحظة و{count} رسالة مفهرسة</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} documents</source>
        <translation>
            <numerusform>لا مستندات</numerusform>
            <numerusform>مستند واحد</numerusform>
            <numerusform>مستندان</numerusform>
            <numerusform>{count} مستندات</numerusform>
            <numerusform>{count} مستندًا</numerusform>
            <numerusform>{count} مستند</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>، </translation>
    </message>
    <message numerus="yes">
        <source>{count} passages</source>
        <translation>
            <numerusform>لا مقاطع</numerusform>
            <numerusform>مقطع واحد</numerusform>
            <numerusform>مقطعان</numerusform>
            <numerusform>{count} مقاطع</numerusform>
            <numerusform>{count} مقطعًا</numerusform>
            <numerusform>{count} مقطع</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{count} file(s) could not be read</source>
        <translation>
            <numerusform>لا ملفات تعذّرت قراءتها</numerusform>
            <numerusform>تعذّرت قراءة ملف واحد</numerusform>
            <numerusform>تعذّرت قراءة ملفين</numerusform>
            <numerusform>تعذّرت قراءة {count} ملفات</numerusform>
            <numerusform>تعذّرت قراءة {count} ملفًا</numerusform>
            <numerusform>تعذّرت قراءة {count} ملف</numerusform>
        </translation>
    </message>
    <message>
        <source>Indexing {done}/{total}</source>
        <translation>الفهرسة {done}/{total}</translation>
    </message>
    <message>
        <source>Search by meaning paused</source>
        <translation>البحث بالمعنى متوقّف مؤقتًا</translation>
    </message>
    <message>
        <source>Embedding passages stopped: {reason}
Keyword search still covers everything; see the log file for details.</source>
        <translation>توقّف تضمين المقاطع: ⁨{reason}⁩
ما زال البحث بالكلمات المفتاحية يشمل كل شيء؛ راجع ملف السجل للتفاصيل.</translation>
    </message>
    <message>
        <source>Embedding {percent} %</source>
        <translation>التضمين {percent}٪</translation>
    </message>
    <message numerus="yes">
        <source>{done} of {count} new passages ready for search by meaning; keyword search covers the rest meanwhile</source>
        <translation>
            <numerusform>{done} من {count} مقطع جديد جاهزة للبحث بالمعنى؛ ويغطي البحث بالكلمات المفتاحية الباقي في الأثناء</numerusform>
            <numerusform>{done} من مقطع جديد واحد جاهز للبحث بالمعنى؛ ويغطي البحث بالكلمات المفتاحية الباقي في الأثناء</numerusform>
            <numerusform>{done} من مقطعين جديدين جاهزة للبحث بالمعنى؛ ويغطي البحث بالكلمات المفتاحية الباقي في الأثناء</numerusform>
            <numerusform>{done} من {count} مقاطع جديدة جاهزة للبحث بالمعنى؛ ويغطي البحث بالكلمات المفتاحية الباقي في الأثناء</numerusform>
            <numerusform>{done} من {count} مقطعًا جديدًا جاهزة للبحث بالمعنى؛ ويغطي البحث بالكلمات المفتاحية الباقي في الأثناء</numerusform>
            <numerusform>{done} من {count} مقطع جديد جاهزة للبحث بالمعنى؛ ويغطي البحث بالكلمات المفتاحية الباقي في الأثناء</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Transcript</name>
    <message>
        <source>Local</source>
        <translation>محلي</translation>
    </message>
    <message>
        <source>Cloud</source>
        <translation>سحابي</translation>
    </message>
    <message>
        <source>{rate} tokens/s</source>
        <translation>{rate} رمز/ث</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} ث</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>أُوقفت</translation>
    </message>
    <message>
        <source>✓ Quoted from your notes</source>
        <translation>✓ مقتبس من ملاحظاتك</translation>
    </message>
    <message>
        <source>✓ Every fact checked against your notes</source>
        <translation>✓ كل معلومة تحقّقنا منها في ملاحظاتك</translation>
    </message>
    <message>
        <source>⚠ The model&apos;s answer stated what your notes don&apos;t say; quoted from them instead</source>
        <translation>⚠ ذكرت إجابة النموذج ما لا تقوله ملاحظاتك؛ اقتبسنا منها بدلًا من ذلك</translation>
    </message>
    <message>
        <source>⚠ The model&apos;s answer stated what your notes don&apos;t say, and no passage answers</source>
        <translation>⚠ ذكرت إجابة النموذج ما لا تقوله ملاحظاتك، ولا يجيب أي مقطع عن السؤال</translation>
    </message>
    <message>
        <source>Not in your notes</source>
        <translation>ليس في ملاحظاتك</translation>
    </message>
    <message>
        <source>Conversation</source>
        <translation>المحادثة</translation>
    </message>
    <message>
        <source>You</source>
        <translation>أنت</translation>
    </message>
    <message>
        <source>Fanous</source>
        <translation>فانوس</translation>
    </message>
    <message>
        <source>Sources: </source>
        <translation>المصادر: </translation>
    </message>
    <message>
        <source>Show the passage from {name}</source>
        <translation>اعرض المقطع من {name}</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>Ask Fanous</source>
        <translation>اسأل فانوس</translation>
    </message>
    <message>
        <source>Question:</source>
        <translation>السؤال:</translation>
    </message>
    <message>
        <source>Fanous</source>
        <translation>فانوس</translation>
    </message>
    <message>
        <source>Quick ask…</source>
        <translation>سؤال سريع…</translation>
    </message>
    <message>
        <source>Show Fanous</source>
        <translation>إظهار فانوس</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>إنهاء</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>Add notes folder…</source>
        <translation>إضافة مجلد ملاحظات…</translation>
    </message>
    <message>
        <source>Re-index</source>
        <translation>إعادة الفهرسة</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>الإعدادات…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>إنهاء</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>محادثة جديدة</translation>
    </message>
    <message>
        <source>Focus question</source>
        <translation>الانتقال إلى السؤال</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>البحث في المحادثات</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>إيقاف</translation>
    </message>
    <message>
        <source>Monitor…</source>
        <translation>المراقبة…</translation>
    </message>
    <message>
        <source>Cloud escalation</source>
        <translation>التصعيد إلى السحابة</translation>
    </message>
    <message>
        <source>Off: nothing leaves this computer</source>
        <translation>معطّل: لا يغادر شيء هذا الجهاز</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;ملف</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>م&amp;حادثة</translation>
    </message>
    <message>
        <source>&amp;Privacy</source>
        <translation>&amp;خصوصية</translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation>&amp;أدوات</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>الشريط الرئيسي</translation>
    </message>
</context>
<context>
    <name>_Chart</name>
    <message>
        <source>No turns yet</source>
        <translation>لا أدوار بعد</translation>
    </message>
</context>
<context>
    <name>_FoldersPage</name>
    <message>
        <source>Your notes</source>
        <translation>ملاحظاتك</translation>
    </message>
    <message>
        <source>Pick the folders Fanous may read (Markdown, text, Obsidian vaults).</source>
        <translation>اختر المجلدات التي يُسمح لفانوس بقراءتها (Markdown، نصوص، خزائن Obsidian).</translation>
    </message>
    <message>
        <source>Notes folders to index</source>
        <translation>مجلدات الملاحظات المراد فهرستها</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>إضافة مجلد…</translation>
    </message>
    <message>
        <source>Add notes folder</source>
        <translation>إضافة مجلد ملاحظات</translation>
    </message>
    <message>
        <source>You can add or remove folders later in Settings › Sources.</source>
        <translation>يمكنك إضافة المجلدات أو إزالتها لاحقًا من الإعدادات › المصادر.</translation>
    </message>
</context>
<context>
    <name>_IndexPage</name>
    <message>
        <source>Reading your notes</source>
        <translation>قراءة ملاحظاتك</translation>
    </message>
    <message>
        <source>This runs in the background: you can finish now and ask right away.</source>
        <translation>يجري هذا في الخلفية: يمكنك الإنهاء الآن والسؤال فورًا.</translation>
    </message>
    <message>
        <source>Indexing progress</source>
        <translation>تقدّم الفهرسة</translation>
    </message>
    <message>
        <source>No folders picked: add some later from File › Add notes folder…</source>
        <translation>لم تختر أي مجلد: أضف مجلدات لاحقًا من ملف › إضافة مجلد ملاحظات…</translation>
    </message>
</context>
<context>
    <name>_MachinePage</name>
    <message>
        <source>Welcome to Fanous</source>
        <translation>مرحبًا بك في فانوس</translation>
    </message>
    <message>
        <source>Your notes, answered on this computer. Nothing leaves it.</source>
        <translation>إجابات من ملاحظاتك على هذا الجهاز، ولا يغادره شيء.</translation>
    </message>
    <message>
        <source>Detecting this machine…</source>
        <translation>جارٍ التعرّف على هذا الجهاز…</translation>
    </message>
    <message>
        <source>This machine</source>
        <translation>هذا الجهاز</translation>
    </message>
    <message>
        <source>The local model</source>
        <translation>النموذج المحلي</translation>
    </message>
    <message>
        <source>The embedded model is ready now; it needs no download and no setup.</source>
        <translation>النموذج المدمج جاهز الآن؛ لا يحتاج إلى تنزيل ولا إعداد.</translation>
    </message>
</context>
<context>
    <name>_MailPage</name>
    <message>
        <source>Your mail (optional)</source>
        <translation>بريدك (اختياري)</translation>
    </message>
    <message>
        <source>Add an IMAP account (the password goes to this computer&apos;s keyring) or mail on disk: an mbox file, a Maildir, or a folder of .eml files.</source>
        <translation>أضف حساب IMAP (تُحفظ كلمة المرور في حلقة مفاتيح هذا الجهاز) أو بريدًا على القرص: ملف mbox أو مجلد Maildir أو مجلدًا من ملفات ‎.eml.</translation>
    </message>
    <message>
        <source>Accounts are fetched with Settings › Sources › Sync mail now.</source>
        <translation>تُجلب الحسابات من الإعدادات › المصادر › مزامنة البريد الآن.</translation>
    </message>
</context>
<context>
    <name>_ModelPage</name>
    <message>
        <source>A bigger local model (optional)</source>
        <translation>نموذج محلي أكبر (اختياري)</translation>
    </message>
    <message>
        <source>The built-in model already answers. With Ollama, a larger model fits this machine: pull it here, or skip and do it later in Settings › Models.</source>
        <translation>النموذج المدمج يجيب منذ الآن. ومع Ollama يتسع هذا الجهاز لنموذج أكبر: نزّله من هنا، أو تخطَّ هذه الخطوة وافعل ذلك لاحقًا من الإعدادات › النماذج.</translation>
    </message>
</context>
</TS>
