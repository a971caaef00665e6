"""Mail adapters: SMTP delivery for production, an `.eml` outbox folder for the embedded default."""

from adapters.mail.outbox import OutboxMailer, find_links
from adapters.mail.smtp import SmtpMailer, to_mime

__all__ = ("OutboxMailer", "SmtpMailer", "find_links", "to_mime")
