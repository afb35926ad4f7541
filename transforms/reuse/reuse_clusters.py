"""ResolveClusters: verified reuse edges -> every passage labelled with its
cluster's canonical passage (the smallest node key: earliest published,
undated last, ties by doc_id).

Clusters are the connected components of the reuse graph, so a copy of a
copy joins its grandparent's cluster, and a passage reprinted by hundreds of
outlets gives every one of them the same canonical.

A graph of at most `IN_MEMORY_EDGES` verified edges (`--dedup-memory-edges`;
the reuse-heavy bench corpus makes 120 an article, so about 8,000 such
articles) is collected into one element and resolved by union-find: exact,
converged by construction, and one step instead of a dozen shuffles (600
bench articles, 72,000 edges: 6 s of rounds, under 2 s this way). A larger
graph is never collected anywhere; its components are found the Beam way:
alternating Large-Star and Small-Star rounds (Kiveris et al., "Connected
Components in MapReduce and Beyond", 2014), each one GroupByKey over the
edges, then pointer jumps over the labels. A round count fixed at graph
construction cannot prove convergence on every graph, so the last jump counts the nodes whose label was
not a root before it (`dedup_unconverged_nodes`, logged): zero proves every
label final; `--dedup-rounds` adds rounds. Stars from LSH buckets converge in
two; a path of 100 passages in random rank order in four, of 1000 in six.

Elements are coarse: nodes live in a fixed number of shards (a hash of the
node key up to its passage index, so an article's passages share a shard),
every step groups by shard and runs the per-node logic (`large_star`,
`small_star`, a pointer jump) for all nodes of the shard in plain Python,
and sends its results on as one list per destination shard. A step moves at
most shards^2 elements, whatever the number of edges; a shard's element holds
the edges of its own nodes (about 1/shards of them), never the whole graph.
`resolve_in_shards` runs the same steps with the exchange between shards
done in memory.
"""
from __future__ import annotations

import itertools
import logging
import pickle
import zlib
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

import apache_beam as beam

from transforms.common import metrics
from transforms.reuse.candidate_pairs import DEFAULT_SHARDS

DEFAULT_ROUNDS = 5
POINTER_JUMPS = 2
#: graphs with at most this many edges are resolved in one element (about
#: 250 bytes of memory an edge while it is collected)
IN_MEMORY_EDGES = 1_000_000
LOG = logging.getLogger(__name__)

Edge = Tuple[str, str]


def large_star(node: str, neighbours: Iterable[str]) -> List[Tuple[str, str]]:
    """Connect every larger neighbour of `node` to the smallest node it sees."""
    neighbours = set(neighbours)
    smallest = min(neighbours | {node})
    return [(v, smallest) for v in sorted(neighbours) if v > node and v != smallest]


def small_star(node: str, smaller_neighbours: Iterable[str]) -> List[Tuple[str, str]]:
    """Connect `node` and its smaller neighbours to the smallest of them."""
    group = set(smaller_neighbours) | {node}
    smallest = min(group)
    return [(v, smallest) for v in sorted(group) if v != smallest]


def star_rounds_in_memory(edges: Sequence[Tuple[str, str]], rounds: int) -> List[Tuple[str, str]]:
    """The edge set after `rounds` Large-Star + Small-Star pairs (what the Beam
    rounds compute), for tests and for choosing the round count."""
    current = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    for _ in range(rounds):
        adjacency: Dict[str, set] = {}
        for a, b in current:
            adjacency.setdefault(a, set()).add(b)
            adjacency.setdefault(b, set()).add(a)
        current = {(min(a, b), max(a, b)) for u, vs in adjacency.items() for a, b in large_star(u, vs)}
        smaller: Dict[str, set] = {}
        for a, b in current:
            smaller.setdefault(b, set()).add(a)
            smaller.setdefault(a, set())
        current = {(min(a, b), max(a, b)) for u, vs in smaller.items() for a, b in small_star(u, vs)}
    return sorted(current)


def labels_from_edges(edges: Iterable[Tuple[str, str]]) -> Dict[str, str]:
    """node -> its smallest neighbour or itself (the root once converged)."""
    labels: Dict[str, str] = {}
    for a, b in edges:
        low, high = min(a, b), max(a, b)
        labels[high] = min(labels.get(high, low), low)
        labels.setdefault(low, low)
    return labels


def connected_components(edges: Iterable[Tuple[str, str]]) -> Dict[str, str]:
    """node -> smallest node of its component (union-find; the in-memory reference)."""
    parent: Dict[str, str] = {}

    def find(x):
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: find(node) for node in parent}


# --------------------------------------------------------------------------
# The same rounds on shards: plain functions, one call per shard and step.
# --------------------------------------------------------------------------

class ShardOf(dict):
    """node -> its shard, a hash of the node key up to its last '|' (the
    article's part of a passage's node key; the whole key when it has none),
    so the passages of one article share a shard. Stable across processes.
    Remembers the nodes it has seen: make one per shard and step."""

    def __init__(self, shards: int):
        super().__init__()
        self.shards = shards

    def __missing__(self, node: str) -> int:
        cut = node.rfind('|')
        shard = self[node] = zlib.crc32((node[:cut] if cut >= 0 else node).encode('utf-8')) % self.shards
        return shard

    __call__ = dict.__getitem__


def large_star_batch(pairs: Iterable[Edge]) -> List[Edge]:
    """`large_star` for every node of a shard, given (node, neighbour) for
    every edge end in it."""
    adjacency: Dict[str, list] = {}
    for node, neighbour in pairs:
        adjacency.setdefault(node, []).append(neighbour)
    return [edge for node, neighbours in adjacency.items() for edge in large_star(node, neighbours)]


def small_star_batch(pairs: Iterable[Edge]) -> List[Edge]:
    """`small_star` for every node of a shard, given (node, smaller neighbour)
    for every edge whose larger end is in it. (A node that is no edge's
    larger end forms a group of one and adds no edge.)"""
    smaller: Dict[str, list] = {}
    for node, neighbour in pairs:
        smaller.setdefault(node, []).append(neighbour)
    return [edge for node, neighbours in smaller.items() for edge in small_star(node, neighbours)]


def smallest_labels(candidates: Iterable[Edge]) -> List[Edge]:
    """(node, label) for every node of a shard, its label the smallest of its
    candidates (itself and its smaller neighbours)."""
    labels: Dict[str, str] = {}
    for node, candidate in candidates:
        known = labels.get(node)
        if known is None or candidate < known:
            labels[node] = candidate
    return list(labels.items())


def pointer_jump(messages: Iterable[Tuple[Sequence[Edge], Sequence[Edge]]]) -> Tuple[List[Edge], List[str]]:
    """One pointer jump for the children of a shard's nodes. `messages` are
    (labels of nodes in the shard as (node, label), links as (node in the
    shard, a child labelled with it)). Returns (child, its parent's label)
    for every child, and the children whose parent was not a root (its own
    label): after the last jump, the nodes not proven converged."""
    label: Dict[str, str] = {}
    links: List[Edge] = []
    for own, children in messages:
        label.update(own)
        links.extend(children)
    jumped, unconverged = [], []
    for parent, child in links:
        grand = label.get(parent, parent)
        jumped.append((child, grand))
        if grand != parent:
            unconverged.append(child)
    return jumped, unconverged


def for_large_star(edges: Iterable[Edge], shard_of: ShardOf) -> Dict[int, List[Edge]]:
    """Both ends of every edge, each to its shard as (end, other end)."""
    out: Dict[int, List[Edge]] = {}
    for a, b in edges:
        out.setdefault(shard_of(a), []).append((a, b))
        out.setdefault(shard_of(b), []).append((b, a))
    return out


def for_small_star(edges: Iterable[Edge], shard_of: ShardOf) -> Dict[int, List[Edge]]:
    """Every edge to the shard of its larger end, as (larger, smaller)."""
    out: Dict[int, List[Edge]] = {}
    for a, b in edges:
        high, low = (a, b) if a > b else (b, a)
        out.setdefault(shard_of(high), []).append((high, low))
    return out


def for_labels(edges: Iterable[Edge], shard_of: ShardOf) -> Dict[int, List[Edge]]:
    """Label candidates: every edge's smaller end for its larger end, and
    itself for its smaller end, each to the shard of the node it labels."""
    out: Dict[int, List[Edge]] = {}
    for a, b in edges:
        high, low = (a, b) if a > b else (b, a)
        out.setdefault(shard_of(high), []).append((high, low))
        out.setdefault(shard_of(low), []).append((low, low))
    return out


def for_jump(labels: Iterable[Edge], shard_of: ShardOf) -> Dict[int, Tuple[List[Edge], List[Edge]]]:
    """Every (node, label) to its node's shard, and the link (label, node)
    to the label's shard."""
    out: Dict[int, Tuple[List[Edge], List[Edge]]] = {}
    for node, parent in labels:
        out.setdefault(shard_of(node), ([], []))[0].append((node, parent))
        out.setdefault(shard_of(parent), ([], []))[1].append((parent, node))
    return out


class StarSteps:
    """The steps of ResolveClusters, each taking what one shard received
    (an iterable of messages) and returning what it sends, by destination
    shard. Shared by the Beam transform and `resolve_in_shards`."""

    def __init__(self, shards: int, rounds: int):
        self.shards, self.rounds = shards, rounds

    def first(self, edges: Iterable[Edge]) -> Dict[int, list]:
        """(earlier, later) node pairs, on their way to the first step."""
        edges = [(min(e), max(e)) for e in edges]
        return (for_large_star if self.rounds else for_labels)(edges, ShardOf(self.shards))

    def large_star(self, messages: Iterable[List[Edge]]) -> Dict[int, list]:
        return for_small_star(large_star_batch(itertools.chain.from_iterable(messages)), ShardOf(self.shards))

    def small_star(self, messages: Iterable[List[Edge]], last: bool) -> Dict[int, list]:
        edges = small_star_batch(itertools.chain.from_iterable(messages))
        return (for_labels if last else for_large_star)(edges, ShardOf(self.shards))

    def labels(self, messages: Iterable[List[Edge]]) -> Dict[int, tuple]:
        return for_jump(smallest_labels(itertools.chain.from_iterable(messages)), ShardOf(self.shards))

    def jump(self, messages) -> Dict[int, tuple]:
        return for_jump(pointer_jump(messages)[0], ShardOf(self.shards))

    @staticmethod
    def last_jump(messages) -> Tuple[List[Edge], List[str]]:
        """(node, canonical node) for the children of the shard's nodes, and
        those not proven converged."""
        return pointer_jump(messages)


def _exchange(sent: Iterable[Dict[int, object]]) -> Dict[int, list]:
    inbox: Dict[int, list] = {}
    for messages in sent:
        for shard, message in messages.items():
            inbox.setdefault(shard, []).append(message)
    return {shard: inbox[shard] for shard in sorted(inbox)}


def resolve_in_shards(edges: Iterable[Edge], rounds: int = DEFAULT_ROUNDS,
                      shards: int = DEFAULT_SHARDS) -> Tuple[Dict[str, str], List[str]]:
    """What ResolveClusters computes, step by step on shards, the exchange
    between them done in memory: (node -> label, nodes not proven converged,
    i.e. what the Beam transform counts and logs)."""
    steps = StarSteps(shards, rounds)
    inbox = _exchange([steps.first(edges)])
    for i in range(rounds):
        inbox = _exchange(steps.large_star(m) for m in inbox.values())
        inbox = _exchange(steps.small_star(m, i == rounds - 1) for m in inbox.values())
    inbox = _exchange(steps.labels(m) for m in inbox.values())
    for _ in range(POINTER_JUMPS - 1):
        inbox = _exchange(steps.jump(m) for m in inbox.values())
    labels: Dict[str, str] = {}
    unconverged: List[str] = []
    for messages in inbox.values():
        jumped, late = steps.last_jump(messages)
        labels.update(jumped)
        unconverged.extend(late)
    return labels, unconverged


def labels_in_memory(edges: Iterable[Edge], shards: int) -> List[List[Edge]]:
    """(node, canonical node) of every node of a graph held in memory, one
    list per shard of the node (as the rounds' last pointer jump sends them)."""
    shard_of = ShardOf(shards)
    by_shard: Dict[int, list] = {}
    for node, root in sorted(connected_components(edges).items()):
        by_shard.setdefault(shard_of(node), []).append((node, root))
    return [by_shard[shard] for shard in sorted(by_shard)]


TOO_LARGE = 'too_large'   # the tagged output of a whole-collection step's flag


def resolve_whole_graph(graph: Collected, shards: int):
    """ResolveClusters' in-memory step: the labels of a collected graph
    (`labels_in_memory`), and on the side whether it was too large to collect
    (None). The flag comes out of this step so that nothing else reads the
    whole graph again."""
    edges = graph.items
    yield beam.pvalue.TaggedOutput(TOO_LARGE, edges is None)
    if edges is not None:
        yield from labels_in_memory(edges, shards)


def pass_if(element, flag: bool) -> list:
    """`element` when the side-input `flag` is set, else nothing: the gate in
    front of a sharded path that a whole-collection step may have made idle."""
    return [element] if flag else []


class Collected:
    """What `ListsUpTo` collected: every item in one list, or `items=None`
    when there were too many to hold in one element."""
    __slots__ = ('items',)

    def __init__(self, items: Optional[list]):
        self.items = items

    def __reduce__(self):
        return Collected, (self.items,)


class CollectedCoder(beam.coders.Coder):
    """A whole collection in one element (a `Collected`, or ListsUpTo's list
    or None while it accumulates): pickled in one call, its size estimated
    from a sample of its items.

    The runner samples the size of elements on every step's output, and
    always the first ones; the default estimate encodes the element, so a
    run collected into one element was pickled once more for each of the
    five steps it passed (measured: 4 of every 7.5 encodings of an article
    on 600 bench articles)."""

    SAMPLE = 8

    def encode(self, value) -> bytes:
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)

    def decode(self, encoded: bytes):
        return pickle.loads(encoded)

    def is_deterministic(self) -> bool:
        return False

    def estimate_size(self, value) -> int:
        items = value.items if isinstance(value, Collected) else value
        if not items:
            return len(self.encode(value))
        step = max(1, len(items) // self.SAMPLE)
        sample = items[::step][:self.SAMPLE]
        return len(items) * len(self.encode(sample)) // len(sample)

    def to_type_hint(self):
        return Collected

    def __eq__(self, other):
        return type(self) is type(other)

    def __hash__(self):
        return hash(type(self))


beam.coders.registry.register_coder(Collected, CollectedCoder)


@beam.typehints.with_output_types(Collected)
class ListsUpTo(beam.CombineFn):
    """Lists -> a `Collected` of all their items while there are at most
    `limit`, else of None (too many to collect in one element). A bundle's
    partial list stops growing once it passes the limit."""

    def __init__(self, limit: int):
        self._limit = limit

    def create_accumulator(self):
        return []

    def add_input(self, accumulator, items):
        if accumulator is None:
            return None
        accumulator.extend(items)
        return accumulator if len(accumulator) <= self._limit else None

    def merge_accumulators(self, accumulators):
        merged = []
        for accumulator in accumulators:
            if accumulator is None:
                return None
            merged.extend(accumulator)
            if len(merged) > self._limit:
                return None
        return merged

    def extract_output(self, accumulator) -> Collected:
        return Collected(accumulator)

    def get_accumulator_coder(self):
        return CollectedCoder()


class ResolveClusters(beam.PTransform):
    """Lists of (earlier, later) node pairs -> lists of (node, canonical
    node), together one for every node that has at least one verified edge
    (each node in one list; one list per shard of the node).

    Up to `in_memory_edges` edges in all: union-find in one element; more:
    the sharded rounds (`in_memory_edges=0` always takes the rounds)."""

    def __init__(self, rounds: int = DEFAULT_ROUNDS, shards: int = DEFAULT_SHARDS,
                 in_memory_edges: int = IN_MEMORY_EDGES):
        super().__init__()
        self._rounds = rounds
        self._shards = shards
        self._in_memory_edges = in_memory_edges

    def expand(self, pair_lists):
        shards = self._shards
        # No default for an empty graph: CombineGlobally's default is injected
        # through a side input of the whole combined value, which the worker
        # then walks object by object to size its cache. Nothing in, nothing out.
        graph = pair_lists | 'WholeGraphIfSmall' >> beam.CombineGlobally(
            ListsUpTo(self._in_memory_edges)).without_defaults()
        small = graph | 'ResolveInMemory' >> beam.FlatMap(resolve_whole_graph, shards).with_outputs(
            TOO_LARGE, main='labels')
        too_large = beam.pvalue.AsSingleton(small[TOO_LARGE], default_value=False)
        large = pair_lists | 'OnlyIfLarge' >> beam.FlatMap(pass_if, too_large)
        return ((small.labels, large | 'Rounds' >> _StarRounds(self._rounds, shards))
                | 'AllLabels' >> beam.Flatten())


class _StarRounds(beam.PTransform):
    """The sharded Large-Star / Small-Star rounds and pointer jumps."""

    def __init__(self, rounds: int, shards: int):
        super().__init__()
        self._rounds = rounds
        self._shards = shards

    def expand(self, pair_lists):
        steps = StarSteps(self._shards, self._rounds)
        unconverged = metrics.counter('dedup_unconverged_nodes')

        def sent(step):
            return lambda item: step(item[1]).items()

        messages = pair_lists | 'ToShards' >> beam.FlatMap(lambda edges: steps.first(edges).items())
        for i in range(self._rounds):
            last = i == self._rounds - 1
            messages = (
                messages
                | f'LargeStarGroup{i}' >> beam.GroupByKey()
                | f'LargeStar{i}' >> beam.FlatMap(sent(steps.large_star))
                | f'SmallStarGroup{i}' >> beam.GroupByKey()
                | f'SmallStar{i}' >> beam.FlatMap(sent(lambda m, last=last: steps.small_star(m, last))))
        messages = (
            messages
            | 'LabelGroup' >> beam.GroupByKey()
            | 'SmallestLabel' >> beam.FlatMap(sent(steps.labels)))

        def last_jump(item):
            jumped, late = steps.last_jump(item[1])
            if late:
                unconverged.inc(len(late))
                for child in late:
                    LOG.warning('reuse cluster of %s not converged; raise --dedup-rounds', child)
            if jumped:
                yield jumped

        for j in range(POINTER_JUMPS - 1):
            messages = (
                messages
                | f'JoinParent{j}' >> beam.GroupByKey()
                | f'Jump{j}' >> beam.FlatMap(sent(steps.jump)))
        j = POINTER_JUMPS - 1
        return (
            messages
            | f'JoinParent{j}' >> beam.GroupByKey()
            | f'Jump{j}' >> beam.FlatMap(last_jump))
