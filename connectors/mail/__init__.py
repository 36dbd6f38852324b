"""Mail sources: mbox, Maildir, .eml (connectors.mail.files) and IMAP (connectors.mail.imap).
Parsing is in connectors.mail.parse; text extraction in connectors.mail.text."""
