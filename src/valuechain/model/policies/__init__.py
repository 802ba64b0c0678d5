"""Policy levers: the targeting registry and the programmes that enrol from it.

``policies.params`` holds their scenario schema and ``policies.registry`` the registry.
Programmes share one lifecycle (``policies.base``) and each lever has its module
(``transfers``, ``health``, ``training``, ``credit``, ``markets``); ``policies.programmes``
maps each kind to its class. A programme acts in phase 7 of the schedule, or through a
declared market hook (trader price, collective selling, education at ageing); it books what
it pays by district and funding source, and stops when its budget is spent.
"""
