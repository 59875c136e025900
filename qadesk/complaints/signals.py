"""The register's one hook for other apps: `complaint_closed`, sent after the commit that resolves or rejects a complaint.

The surveys app connects its complaint-outcome survey here (docs/complaints.md, "Hooks"):

    from qadesk.complaints.signals import complaint_closed

    def send_outcome_survey(sender, *, complaint, actor, **kwargs): ...
    complaint_closed.connect(send_outcome_survey, dispatch_uid="surveys.complaint_outcome")

A receiver gets `complaint` (status resolved or rejected, root cause and outcome set) and `actor` (who closed it). It
runs after the transaction committed, so a failing receiver never undoes the closing; it should enqueue its work.
"""

from django.dispatch import Signal

complaint_closed = Signal()
