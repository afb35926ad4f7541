"""WatchDumps' decision, with no Beam in it: when a file in a watched folder
is ready (it stopped growing) and when the watcher has been idle too long."""
from transforms.read.watch_dumps import WatchPolicy, WatchState, idle_too_long, poll_files

def test_poll_files_emits_a_file_once_it_stops_growing_and_never_again():
    state = WatchState()
    assert poll_files(state, {'/in/a.txt': (100, 1.0)}, now=0) == []            # first sight
    assert poll_files(state, {'/in/a.txt': (250, 2.0)}, now=5) == []            # still growing
    assert poll_files(state, {'/in/a.txt': (250, 3.0)}, now=10) == []           # touched, same size
    assert poll_files(state, {'/in/a.txt': (250, 3.0)}, now=15) == ['/in/a.txt']   # unchanged twice
    assert poll_files(state, {'/in/a.txt': (250, 3.0)}, now=20) == []
    assert poll_files(state, {'/in/a.txt': (900, 9.0)}, now=25) == []           # rewritten: still not again
    assert poll_files(state, {'/in/a.txt': (900, 9.0)}, now=30) == []
    assert state.emitted == {'/in/a.txt'} and state.polls == 7


def test_poll_files_returns_ready_paths_sorted_and_a_vanished_file_starts_over():
    state = WatchState()
    listing = {'/in/c.txt': (3, 1.0), '/in/a.txt': (1, 1.0), '/in/b.txt': (2, 1.0)}
    assert poll_files(state, listing, now=0) == []
    assert poll_files(state, dict(reversed(list(listing.items()))), now=5) == ['/in/a.txt', '/in/b.txt', '/in/c.txt']
    assert poll_files(state, {'/in/d.txt': (4, 1.0)}, now=10) == []
    assert poll_files(state, {}, now=15) == []                                  # gone from one listing
    assert poll_files(state, {'/in/d.txt': (4, 1.0)}, now=20) == []            # seen anew
    assert poll_files(state, {'/in/d.txt': (4, 1.0)}, now=25) == ['/in/d.txt']


def test_idle_too_long_respects_max_idle_and_waits_for_pending_files():
    policy = WatchPolicy(poll_seconds=5, max_idle=60)
    state = WatchState()
    assert not idle_too_long(state, now=1000, policy=policy)                    # never polled
    poll_files(state, {}, now=0)
    assert not idle_too_long(state, now=59, policy=policy)
    assert idle_too_long(state, now=60, policy=policy)
    assert not idle_too_long(state, now=10_000, policy=WatchPolicy(max_idle=None))

    poll_files(state, {'/in/big.warc.gz': (10, 1.0)}, now=100)                 # a dump being copied in
    poll_files(state, {'/in/big.warc.gz': (20, 2.0)}, now=105)
    assert state.pending
    assert not idle_too_long(state, now=1_000, policy=policy)                  # pending: never idle
    assert poll_files(state, {'/in/big.warc.gz': (20, 2.0)}, now=110) == ['/in/big.warc.gz']
    assert not idle_too_long(state, now=169, policy=policy)                    # found at 110
    assert idle_too_long(state, now=170, policy=policy)
