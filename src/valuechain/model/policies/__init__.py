"""Policy levers: the targeting registry and the programmes that enrol from it.

Their parameters are in :mod:`valuechain.config.programmes`; ``policies.registry`` holds the
registry. Programmes share one lifecycle, enrolment rules and hooks (``policies.base``) and
each lever has its module (``transfers``, ``health``, ``training``, ``credit``,
``markets``); ``policies.programmes`` maps each kind to its class. A programme acts in phase
7 of the schedule, or through a declared market hook (trader price, collective selling,
education at ageing), and reports through declared hooks (trainees, completions, borrowers,
selling group, net lending); it books what it pays by district and funding source, and
stops when its budget is spent.
"""
