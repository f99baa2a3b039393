"""The run the app shows and the rules keys apply to it, without Textual or Rich
(``run_session.Session``); what its operations hand back (``outcome``); the machinery
that trains it (``runner``)."""
