"""Exercise 03-1, Python twin, reference solution: count the requests, keep none."""

_handled = 0


def handle(request_id):
    """The reply to request request_id."""
    global _handled
    _handled += 1
    return f"request {request_id} handled"


def handled():
    """Requests handled since the program started."""
    return _handled
