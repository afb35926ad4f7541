"""The pipeline's steps, by area, in the order an article passes them:

    read/     dumps in: match and watch the inputs, open and decompress,
              split files into records (JSON Lines, WARC), decode the bytes
    html/     HTML pages to paragraphs and header fields (trafilatura and ours)
    text/     the body: header lines, boilerplate lines, recurring lines,
              the article, its language, its passages
    reuse/    passages reprinted from another article: signatures,
              candidates, verification, clusters, the flags, the index
    write/    the Parquet tables: rows, tables, windows, atomic publishing

    common/   what every area shares: records, text primitives, dates,
              sites, metrics, progress
    replicas/ faster copies of third-party internals, each with its
              version guard

Each area's `__init__` names the steps (Beam PTransforms) it offers;
pipeline/graph.py composes them. The logic inside a step is a plain
function or class in the same area, with no Beam in it.
"""
