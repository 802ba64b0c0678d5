"""The one compile setting every kernel uses."""

import numba

#: nopython, machine code cached on disk beside the module, the GIL released while it runs
jit = numba.njit(cache=True, nogil=True)
