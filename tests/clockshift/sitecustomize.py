"""Move this process's clock when CLOCK_SHIFT_DAYS is set (the suite's "next year" run).

tests/conftest.py puts this folder on PYTHONPATH for such a run, so Python imports this file at
start-up in the test process and in every process the tests start (`courtjourney serve`, its
workers, the CLI): all of them see the same moved clock, which keeps running. Tests that pin
their own clock with time_machine.travel still get exactly the moment they ask for.
"""

import datetime as _dt
import os as _os

_days = _os.environ.get("CLOCK_SHIFT_DAYS", "").strip()
if _days:
    import time_machine as _tm

    import time as _time

    _tm.travel(_dt.datetime.now(_dt.UTC) + _dt.timedelta(days=float(_days)), tick=True).start()
    # time-machine starts the moved clock ticking at the first time anyone asks, not at start(): ask now,
    # or each process's clock lags by however long it waited for its first question (two workers of one
    # server would then disagree by seconds, and the order of concurrent writes would look wrong).
    _time.time()
