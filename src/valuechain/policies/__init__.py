"""Policy levers: the targeting registry and the programmes that enrol from it.

``policies.params`` holds their scenario schema; ``policies.registry`` and
``policies.programmes`` their behaviour. Each programme acts only in phase 6 of the schedule
(its declared hook), books what it pays by district and funding source, and stops when its
budget is spent.
"""
