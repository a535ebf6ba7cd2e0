"""Exercise 03-1, Python twin: a handler that leaks into a global list, and its fix.

The tutorial's notebook (exercise 5): a function that appends every request
to a module-level list leaks, since the list lives as long as the program.
handle(request_id) answers a request and remembers it so that handled() can
say how many came in; nobody ever reads the remembered requests back.

Task: the same answers, and nothing left live once the replies are dropped
(within CPython's 4 KiB of free lists), after 1 000 and after 10 000 requests.

Check it: heaplab exercise check 03-1 --python
"""

_LOG = []


def handle(request_id):
    """The reply to request request_id."""
    _LOG.append(f"request {request_id}")
    return f"request {request_id} handled"


def handled():
    """Requests handled since the program started."""
    return len(_LOG)
