"""Specs of lab 03's Python exercise twins, graded by harness/python/heaplab_exercise.py.

CHECKS maps an exercise id to a function that takes the student's module and
returns a Check. The live budget is the grader's default: nothing may stay
once the result is dropped, but for CPython's free lists.
"""

from heaplab_exercise import Check, HeapCheck, expect_eq

# Requests handled: a thousand, and ten times as many, so growth shows.
SIZES = [1_000, 10_000]


def check_requests(answer):
    """03-1: the same replies, and no request kept once handled."""

    def counted(k):
        before = answer.handled()
        for request_id in range(k):
            answer.handle(request_id)
        return expect_eq(answer.handled() - before, k)

    def run(n):
        for request_id in range(n):
            answer.handle(request_id)

    return (
        Check()
        .test("request 7: its reply", lambda: expect_eq(answer.handle(7), "request 7 handled"))
        .test("three requests: handled() counts three more", lambda: counted(3))
        .test("1 000 requests: counted", lambda: counted(1_000))
        .measure(HeapCheck("n requests, every reply dropped", SIZES, lambda n: n, run))
    )


CHECKS = {"03-1": check_requests}
